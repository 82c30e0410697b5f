/** Free TCP ports on 127.0.0.1: bind :0, read the port the kernel chose, close. */
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Holds a port (listening) until `release()` is called: for tests of a taken port. */
export function occupyPort(port = 0, host = '0.0.0.0'): Promise<{ port: number; release: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const srv = createServer((socket) => socket.destroy());
    srv.once('error', reject);
    srv.listen({ port, host, exclusive: true }, () => {
      const addr = srv.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : port,
        release: () => new Promise<void>((r) => srv.close(() => r())),
      });
    });
  });
}
