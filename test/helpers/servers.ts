// Real HTTP servers on 127.0.0.1 for the tests, with what they saw recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";

export interface TestServer {
  url: string;
  port: number;
  /** Arrival times (performance.now() of this thread) of every request. */
  arrivals: number[];
  /** Request paths, in order of arrival. */
  paths: string[];
  /** When each TCP connection was accepted (performance.now()). */
  connections: number[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const ok: Handler = (_req, res) => {
  res.writeHead(200, { "content-length": "2" });
  res.end("ok");
};

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * An HTTP server; `handler` answers (default: 200 "ok" at once); `onConnection` sees each
 * accepted socket first (to misbehave on it).
 */
export async function httpServer(
  handler: Handler = ok,
  onConnection?: (socket: Socket) => void,
): Promise<TestServer> {
  const arrivals: number[] = [];
  const paths: string[] = [];
  const connections: number[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    paths.push(req.url ?? "");
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (s) => {
    connections.push(performance.now());
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    onConnection?.(s);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arrivals,
    paths,
    connections,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts connections and never answers. */
export async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
    s.resume(); // read and ignore the request
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
