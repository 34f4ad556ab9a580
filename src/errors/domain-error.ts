// The error services throw for a request that cannot be served as asked: the GraphQL layer maps its code
// to the response's extensions.code (src/graphql/format-error.ts). `field`
// names the argument at fault when there is one.
export class DomainError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'FORBIDDEN',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
