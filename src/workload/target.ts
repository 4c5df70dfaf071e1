// The simplest target: a plain HTTP server that answers every request at once with
// 200 "ok". The quick start and the tests drive the load generator against it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function startTarget(
  port: number,
  host = "127.0.0.1",
): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": "3" });
    res.end("ok\n");
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}/` };
}
