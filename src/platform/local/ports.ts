// Loopback ports: a free one for a process that must be told its port up front (a
// sidecar's config), and waiting until a port accepts connections (readiness by asking,
// never by sleeping a fixed time).
import { createConnection, createServer } from "node:net";

/** A port that was free a moment ago (the caller retries if someone takes it meanwhile). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on host:port right now. */
export function isPortOpen(port: number, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    // With nothing listening on a port in the ephemeral range, the kernel may pick that
    // very port as the source and connect the socket to itself: no listener, yet "open".
    socket.once("connect", () => done(socket.localPort !== socket.remotePort));
    socket.once("error", () => done(false));
  });
}
