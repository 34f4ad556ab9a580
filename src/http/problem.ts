// RFC 9457 problem+json replies for the REST routes.
import type { FastifyReply } from 'fastify';

export interface FieldError {
  path: string;
  message: string;
}

export function sendProblem(
  reply: FastifyReply,
  status: number,
  title: string,
  detail?: string,
  extra: { errors?: FieldError[]; retryAfterSeconds?: number; [key: string]: unknown } = {},
): FastifyReply {
  const { retryAfterSeconds, ...rest } = extra;
  if (retryAfterSeconds !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, ...(detail ? { detail } : {}), ...rest });
}
