// Starting and stopping a Node HTTP(S) server as the simulated printers and the tests' stand-in servers
// need it: listening reports a port that cannot be bound, closing ends kept-alive connections too.
import type http from 'node:http';
import type https from 'node:https';

/** Listens on host:port; rejects when the address cannot be bound. */
export function listen(server: http.Server | https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes the server and the connections kept alive on it. */
export function close(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
