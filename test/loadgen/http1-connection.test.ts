// The load generator's HTTP/1.1 connection (raw socket + llhttp) against a target that
// writes exactly the bytes each case scripts: every request gets one outcome, the status
// the target sent, and a new socket exactly when the target ended the old one.
import { type AddressInfo, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { classifyFailure, RequestTimeout } from "../../src/loadgen/errors.ts";
import { Http1Connection, requestBytes } from "../../src/loadgen/http1-connection.ts";

/** What the target does with the n-th request it reads (counted over all its sockets). */
type Script = (socket: Socket, n: number) => void;

interface Target {
  port: number;
  /** Requests as they arrived, raw. */
  requests: string[];
  /** Sockets accepted. */
  connections: number;
  close(): Promise<void>;
}

const targets: Target[] = [];
const opened: Http1Connection[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) c.close();
  for (const t of targets.splice(0)) await t.close();
});

async function target(script: Script): Promise<Target> {
  const sockets = new Set<Socket>();
  const t: Target = { port: 0, requests: [], connections: 0, close: async () => {} };
  const server = createServer((socket) => {
    t.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let pending = "";
    socket.on("data", (data) => {
      pending += data.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
        t.requests.push(pending.slice(0, end + 4));
        pending = pending.slice(end + 4);
        script(socket, t.requests.length - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.port = (server.address() as AddressInfo).port;
  t.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  targets.push(t);
  return t;
}

type Outcome = { status: number } | { failure: string };

/** A connection to `t`, and a function that sends one request and waits for its outcome. */
function connectionTo(t: Target, timeoutMs = 2000) {
  let settle: ((o: Outcome) => void) | null = null;
  const c = new Http1Connection("127.0.0.1", t.port, timeoutMs, {
    onResponse: (status) => settle?.({ status }),
    onFailure: (error) => settle?.({ failure: classifyFailure(error) }),
  });
  opened.push(c);
  const request = requestBytes(new URL(`http://127.0.0.1:${t.port}/a?b=1`));
  const exchange = (abortAfterMs?: number) =>
    new Promise<Outcome>((resolve) => {
      const timer =
        abortAfterMs === undefined
          ? null
          : setTimeout(() => c.abort(new RequestTimeout(abortAfterMs)), abortAfterMs);
      settle = (o) => {
        if (timer) clearTimeout(timer);
        settle = null;
        resolve(o);
      };
      c.send(request);
    });
  return { connection: c, exchange };
}

const ok = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

describe("HTTP/1.1 connection", () => {
  it("sends GET with the path, query and host, and keeps one socket alive", async () => {
    const t = await target((s) => s.write(ok));
    const { exchange } = connectionTo(t);
    for (let i = 0; i < 5; i++) expect(await exchange()).toEqual({ status: 200 });
    expect(t.connections).toBe(1);
    expect(t.requests[0]).toBe(
      `GET /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:${t.port}\r\nconnection: keep-alive\r\n\r\n`,
    );
  });

  it("reads a response split over many writes, chunked, and one larger than the read buffer", async () => {
    const big = "x".repeat(200_000);
    const t = await target((s, n) => {
      if (n === 0) for (const ch of ok) s.write(ch);
      else if (n === 1)
        s.write("HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
      else s.write(`HTTP/1.1 202 Accepted\r\ncontent-length: ${big.length}\r\n\r\n${big}`);
    });
    const { exchange } = connectionTo(t);
    expect(await exchange()).toEqual({ status: 200 });
    expect(await exchange()).toEqual({ status: 201 });
    expect(await exchange()).toEqual({ status: 202 });
    expect(t.connections).toBe(1);
  });

  it("opens a new socket after `Connection: close` and after an HTTP/1.0 response ended by the close", async () => {
    const t = await target((s, n) => {
      if (n === 0) s.end("HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok");
      else if (n === 1) s.end("HTTP/1.0 203 Non-Authoritative\r\n\r\nbody until the close");
      else s.write(ok);
    });
    const { exchange } = connectionTo(t);
    expect(await exchange()).toEqual({ status: 200 });
    expect(await exchange()).toEqual({ status: 203 });
    expect(await exchange()).toEqual({ status: 200 });
    expect(t.connections).toBe(3);
  });

  it("skips an informational 1xx response and reports the final one", async () => {
    const t = await target((s) => s.write(`HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n${ok}`));
    const { exchange } = connectionTo(t);
    expect(await exchange()).toEqual({ status: 200 });
    expect(await exchange()).toEqual({ status: 200 });
    expect(t.connections).toBe(1);
  });

  it("a close before the response is whole is a reset; the next request reconnects", async () => {
    const t = await target((s, n) => {
      if (n === 0) s.end("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf");
      else if (n === 1) s.destroy();
      else s.write(ok);
    });
    const { exchange } = connectionTo(t);
    expect(await exchange()).toEqual({ failure: "reset" });
    expect(await exchange()).toEqual({ failure: "reset" });
    expect(await exchange()).toEqual({ status: 200 });
    expect(t.connections).toBe(3);
  });

  it("bytes that are not HTTP are a protocol failure ('other'); bytes after a whole response cost only the socket", async () => {
    const t = await target((s, n) => {
      if (n === 0) s.write("SSH-2.0-OpenSSH_9.2\r\n");
      else if (n === 1) s.write(`${ok}HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n`);
      else s.write(ok);
    });
    const { exchange } = connectionTo(t);
    expect(await exchange()).toEqual({ failure: "other" });
    expect(await exchange()).toEqual({ status: 200 });
    expect(await exchange()).toEqual({ status: 200 });
    expect(t.connections).toBe(3);
  });

  it("a target that closes idle sockets costs no request: the next one reconnects", async () => {
    const t = await target((s) => {
      s.write(ok);
      setTimeout(() => s.end(), 20); // an idle timeout, between requests
    });
    const { exchange } = connectionTo(t);
    for (let i = 0; i < 3; i++) {
      expect(await exchange()).toEqual({ status: 200 });
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(t.connections).toBe(3);
  });

  it("an abort fails the request as the timeout and closes its socket; a refused connect is 'connect'", async () => {
    const t = await target((s, n) => {
      if (n > 0) s.write(ok);
    });
    const { exchange } = connectionTo(t);
    expect(await exchange(100)).toEqual({ failure: "timeout" });
    expect(await exchange()).toEqual({ status: 200 });
    expect(t.connections).toBe(2);
    const gone = t.port;
    await t.close();
    targets.splice(0);
    const refused = connectionTo({ port: gone } as Target);
    expect(await refused.exchange()).toEqual({ failure: "connect" });
  });
});
