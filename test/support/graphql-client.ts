// GraphQL over HTTP to a server this process did not start itself (a `serve` child process): the data
// of one operation, or an error that carries the GraphQL errors. Shared by the process tests and the
// benchmarks that set up their tenants through the public API.
export async function graphqlData<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}
