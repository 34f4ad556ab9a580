// A small HTTP CONNECT proxy with Basic authentication, run as its own process by the proxy tests,
// as a customer's proxy would be: `node basic-auth-proxy.cjs USER PASSWORD`. It prints
// {"listening": port} once, then one JSON line per CONNECT it was asked for:
// {"connect": "host:port", "status": 200 | 407 | 502}. It only tunnels; plain proxied requests get 405.
'use strict';
const http = require('node:http');
const net = require('node:net');

const [user, password] = process.argv.slice(2);
const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const log = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const server = http.createServer((_req, res) => {
  res.writeHead(405, { 'content-type': 'text/plain' });
  res.end('this test proxy only tunnels (CONNECT)\n');
});

server.on('connect', (req, client, head) => {
  const target = req.url ?? '';
  if (req.headers['proxy-authorization'] !== expected) {
    log({ connect: target, status: 407 });
    client.end(
      'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="customer-proxy"\r\nContent-Length: 0\r\n\r\n',
    );
    return;
  }
  const [host, port] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  const upstream = net.connect(port, host.replace(/^\[|\]$/g, ''), () => {
    log({ connect: target, status: 200 });
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => {
    log({ connect: target, status: 502 });
    client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
  });
  client.on('error', () => upstream.destroy());
});

server.listen(0, '127.0.0.1', () => log({ listening: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
