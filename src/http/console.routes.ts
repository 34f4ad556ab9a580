// The reseller console (console/, a React app built by `npm run build`) served by the api role at GET /.
// It is a client of /graphql like any other, so the server only hands out files: hashed assets are
// immutable, index.html is revalidated every time (a deploy is picked up on the next load), and a strict
// Content-Security-Policy allows nothing but this origin — no CDN, nothing outside the LAN.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem';

export const CONSOLE_DIST = path.resolve(__dirname, '../../console/dist');

/** Client-side routes of the console; a reload on any of them gets index.html. */
const APP_ROUTES = ['login', 'fleet', 'alerts', 'customers', 'billing', 'admin', 'platform'];

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // 'self' covers ws:/wss: to the same host in current browsers (CSP Level 3).
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  type: string;
}

export function registerConsole(app: FastifyInstance, dist = CONSOLE_DIST): void {
  // Files are read once and kept in memory (the whole console is well under a megabyte gzip).
  const cache = new Map<string, Asset | null>();
  const load = (relative: string): Asset | null => {
    if (cache.has(relative)) return cache.get(relative)!;
    const file = path.join(dist, relative);
    const type = TYPES[path.extname(file)];
    let asset: Asset | null = null;
    if (type && file.startsWith(dist + path.sep) && existsSync(file)) {
      const body = readFileSync(file);
      const compressible =
        type.startsWith('text/') || type === 'image/svg+xml' || type === 'application/json';
      asset = {
        body,
        gzip: compressible && body.length > 1024 ? gzipSync(body, { level: 9 }) : null,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        type,
      };
    }
    cache.set(relative, asset);
    return asset;
  };

  const send = (request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string) => {
    reply
      .header('cache-control', cacheControl)
      .header('etag', asset.etag)
      .header('vary', 'accept-encoding')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .type(asset.type);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    if (asset.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(asset.gzip);
    }
    return reply.send(asset.body);
  };

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const index = load('index.html');
    if (!index) {
      return sendProblem(reply, 503, 'Service Unavailable', 'The console is not built; run npm run build');
    }
    reply.header('content-security-policy', CONSOLE_CSP).header('x-frame-options', 'DENY');
    return send(request, reply, index, 'no-cache');
  };

  app.get('/', page);
  for (const route of APP_ROUTES) {
    app.get(`/${route}`, page);
    app.get(`/${route}/*`, page);
  }

  // Vite puts a content hash in every name under assets/, so a name never changes meaning.
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const asset = /^[\w.-]+$/.test(request.params.file) ? load(`assets/${request.params.file}`) : null;
    if (!asset) return sendProblem(reply, 404, 'Not Found');
    return send(request, reply, asset, 'public, max-age=31536000, immutable');
  });

  app.get('/favicon.svg', async (request, reply) => {
    const asset = load('favicon.svg');
    if (!asset) return sendProblem(reply, 404, 'Not Found');
    return send(request, reply, asset, 'public, max-age=86400');
  });
}
