// The ingest benchmark's baseline: a bare Fastify server whose report route only reads the raw body and
// answers 202, so the ratio against it shows what authentication, decoding, validation and queueing
// cost on top of HTTP handling in the same process.
import { randomUUID } from 'node:crypto';
import { LIMITS } from '@plotmeter/protocol';
import Fastify, { type FastifyInstance } from 'fastify';

export interface BareServer {
  origin: string;
  close(): Promise<void>;
}

export async function startBareServer(): Promise<BareServer> {
  const app: FastifyInstance = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: LIMITS.maxCompressedBytes },
    (_request, body, done) => done(null, body),
  );
  app.post('/ingest/v1/reports', async (request, reply) => {
    const bytes = Buffer.isBuffer(request.body) ? request.body.length : 0;
    if (bytes === 0) return reply.code(400).send({ title: 'empty body' });
    return reply.code(202).send({ receiptId: randomUUID(), duplicate: false });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('bare server did not bind a TCP port');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
