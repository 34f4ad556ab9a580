// A GraphQL explorer (GraphiQL) at GET /graphql for browsers, served entirely from local files so it
// works offline and behind firewalls. Requests that are not a browser page load (a GET with a query
// string, or without Accept: text/html) still go to the GraphQL endpoint.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/** The installed package's folder (its "exports" do not list the UMD bundles we serve). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot locate the ${name} package`);
    dir = parent;
  }
  return dir;
}

const JS = 'application/javascript; charset=utf-8';
const ASSETS: Record<string, { file: () => string; type: string }> = {
  'graphiql.min.js': { file: () => path.join(packageDir('graphiql'), 'graphiql.min.js'), type: JS },
  'graphiql.min.css': {
    file: () => path.join(packageDir('graphiql'), 'graphiql.min.css'),
    type: 'text/css; charset=utf-8',
  },
  'react.min.js': { file: () => path.join(packageDir('react'), 'umd/react.production.min.js'), type: JS },
  'react-dom.min.js': {
    file: () => path.join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
    type: JS,
  },
  'init.js': { file: () => path.resolve(__dirname, '../../src/http/explorer/init.js'), type: JS },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Plotmeter GraphQL explorer</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/explorer/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading the explorer...</div>
  <script src="/explorer/react.min.js"></script>
  <script src="/explorer/react-dom.min.js"></script>
  <script src="/explorer/graphiql.min.js"></script>
  <script src="/explorer/init.js"></script>
</body>
</html>`;

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:";

export function registerExplorer(app: FastifyInstance): void {
  // Files are read once, lazily: the explorer costs nothing until someone opens it.
  const cache = new Map<string, Buffer>();
  const load = (name: string) => {
    let body = cache.get(name);
    if (!body) {
      body = readFileSync(ASSETS[name]!.file());
      cache.set(name, body);
    }
    return body;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || request.url !== '/graphql') return;
    if (!String(request.headers.accept ?? '').includes('text/html')) return;
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .send(PAGE);
  });

  app.get<{ Params: { file: string } }>('/explorer/:file', async (request, reply) => {
    const asset = ASSETS[request.params.file];
    if (!asset)
      return reply
        .code(404)
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'Not Found', status: 404 });
    return reply
      .type(asset.type)
      .header('cache-control', 'public, max-age=3600')
      .send(load(request.params.file));
  });
}
