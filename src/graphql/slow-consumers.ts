// A WebSocket client that stops reading (a stalled laptop, a hostile peer) would make the server keep
// every message sent to it in memory: once the kernel's socket buffers are full, `ws` queues each frame
// in the process. graphql-ws waits for each send of one subscription before the next, and the pub/sub
// iterators drop the oldest of more than 1,000 waiting events, but a socket with many subscriptions
// and large results can still hold megabytes. This guard closes such a socket once more than
// `maxBufferedBytes` wait to be sent — checked on every send and once a second — so memory per socket is
// bounded and the client (if it is alive) reconnects. graphql-ws' keep-alive ping also ends a socket that
// does not answer within 12 s of a ping; this limit acts before that when the stream is large.
import type { WebSocket, WebSocketServer } from 'ws';

export interface SlowConsumerGuard {
  stop(): void;
}

export function guardSlowConsumers(
  wss: WebSocketServer,
  maxBufferedBytes: number,
  onClose: (bufferedBytes: number) => void,
): SlowConsumerGuard {
  const over = (socket: WebSocket): boolean => {
    if (socket.readyState !== socket.OPEN || socket.bufferedAmount <= maxBufferedBytes) return false;
    const buffered = socket.bufferedAmount;
    // terminate(), not close(): a close frame would queue behind the data the client does not read.
    socket.terminate();
    onClose(buffered);
    return true;
  };
  wss.on('connection', (socket: WebSocket) => {
    const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
    // Checked before each send; once terminated, ws answers the send's callback with an error, which
    // graphql-ws takes as the end of that subscription.
    socket.send = ((data: unknown, ...rest: unknown[]) => {
      over(socket);
      return send(data, ...rest);
    }) as WebSocket['send'];
  });
  // Between sends (a burst that ended), the buffer is looked at once a second.
  const timer = setInterval(() => {
    for (const socket of wss.clients) over(socket);
  }, 1_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
