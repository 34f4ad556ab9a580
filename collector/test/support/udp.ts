// A UDP port that is free right now on a host (an SNMP agent binds it next), instead of a random
// number that may collide with another test or service.
import { createSocket } from 'node:dgram';

export function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
