// One HTTP/1.1 keep-alive connection with at most one request in flight: a raw socket,
// prebuilt request bytes, llhttp for the response. It replaced undici's Client on the
// load generator's hot path, where the Client's per-request bookkeeping (a Request
// object, its queue, stream reads into fresh Buffers, promise-free but callback-heavy
// handlers) cost more CPU per request than the socket itself (see the README's bench).
//
// Outcome rules, the same as they were with undici:
// - a socket is opened on first use and again after the target closes one (a response
//   with `Connection: close`, an idle timeout, a reset); the request then waits for it, and
//   the wait is part of its latency;
// - a failure before the socket connects is a ConnectFailure; a close or reset under a
//   request is a ConnectionClosed (or the socket's own error); unparseable bytes are a
//   ProtocolError; every request gets exactly one outcome.
import { connect, type Socket } from "node:net";
import { ConnectFailure, ConnectionClosed, ProtocolError } from "./errors.ts";
import { ResponseParser } from "./llhttp.ts";

export interface ExchangeHandler {
  /** A final (non-1xx) response was read whole. */
  onResponse(statusCode: number): void;
  onFailure(error: Error): void;
}

/**
 * The buffer every socket of this thread reads into (Node's `onread`): a read is parsed
 * before the next one can happen, so one buffer serves all connections, with no
 * allocation per read.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** The request's bytes: GET, Host, keep-alive (HTTP/1.1's default, said as undici says it). */
export function requestBytes(url: URL): Buffer {
  return Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n\r\n`,
    "latin1",
  );
}

export class Http1Connection {
  private readonly host: string;
  private readonly port: number;
  private readonly connectTimeoutMs: number;
  private readonly handler: ExchangeHandler;
  private readonly parser: ResponseParser;

  private socket: Socket | null = null;
  private connected = false;
  private connectTimer: NodeJS.Timeout | null = null;
  /** A request is out and has no outcome yet. */
  private inFlight = false;
  /** Of the response being read: its status and whether the socket stays open after it. */
  private status = 0;
  private keepAlive = true;
  private completed = false;

  constructor(host: string, port: number, connectTimeoutMs: number, handler: ExchangeHandler) {
    this.host = host;
    this.port = port;
    this.connectTimeoutMs = connectTimeoutMs;
    this.handler = handler;
    this.parser = new ResponseParser({
      onMessageBegin: () => (this.inFlight && !this.completed ? 0 : -1),
      onHeadersComplete: (status, keepAlive) => {
        this.status = status;
        this.keepAlive = keepAlive;
        return 0;
      },
      onMessageComplete: () => {
        // An informational (1xx) response is followed by the real one.
        if (this.status >= 200) this.completed = true;
        return 0;
      },
    });
  }

  /**
   * Opens the socket ahead of the first request (so slot 0 does not pay for it); resolves
   * once it is connected or has failed (a failed pre-open is retried by the first send).
   */
  preopen(): Promise<void> {
    return new Promise((resolve) => {
      const socket = this.open();
      const settle = () => {
        socket.off("connect", settle);
        socket.off("close", settle);
        resolve();
      };
      socket.once("connect", settle);
      socket.once("close", settle);
    });
  }

  /** Sends a request; its outcome comes to the handler. One at a time. */
  send(request: Buffer): void {
    this.inFlight = true;
    this.completed = false;
    this.status = 0;
    // A socket the target has just destroyed may not have told us yet (its events come
    // on the next tick): writing to it would fail this request for nothing.
    if (this.socket?.destroyed) this.drop();
    const socket = this.socket ?? this.open();
    socket.write(request); // before the connect, Node holds it until the socket is up
  }

  /** Fails the request in flight with `reason` (the load generator's timeout) and closes. */
  abort(reason: Error): void {
    if (!this.inFlight) return;
    this.fail(this.connected ? reason : new ConnectFailure(reason));
  }

  close(): void {
    this.inFlight = false;
    this.drop();
    this.parser.free();
  }

  private open(): Socket {
    this.connected = false;
    this.parser.reset();
    const socket: Socket = connect({
      host: this.host,
      port: this.port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n: number): boolean => this.onRead(socket, n) },
    });
    this.socket = socket;
    this.connectTimer = setTimeout(
      () => socket.destroy(new ConnectTimeout(this.connectTimeoutMs)),
      this.connectTimeoutMs,
    );
    socket.once("connect", () => {
      this.clearConnectTimer();
      if (this.socket === socket) this.connected = true;
    });
    socket.on("error", (error: Error) => this.onSocketGone(socket, error));
    socket.on("close", () => this.onSocketGone(socket, null));
    socket.on("end", () => this.onEnd(socket));
    return socket;
  }

  private onRead(socket: Socket, n: number): boolean {
    if (socket !== this.socket) return false;
    const error = this.parser.execute(READ_BUFFER, n);
    if (this.completed) {
      // A whole response stands even if bytes nobody asked for came after it; the socket
      // that sent them does not (dropped first, so the next request opens another).
      if (error) this.drop();
      this.complete();
      return !error;
    }
    if (error) {
      if (this.inFlight) this.fail(new ProtocolError(error));
      else this.drop();
      return false;
    }
    return true;
  }

  /** The peer's FIN: ends a response delimited by the close, or fails the one in flight. */
  private onEnd(socket: Socket): void {
    if (socket !== this.socket) return;
    if (this.inFlight && this.parser.needsEof()) {
      const error = this.parser.finish();
      if (!error && this.completed) {
        this.complete();
        return;
      }
    }
    this.onSocketGone(socket, null);
  }

  private onSocketGone(socket: Socket, error: Error | null): void {
    if (socket !== this.socket) return;
    if (!this.inFlight) {
      this.drop();
      return;
    }
    if (!this.connected) this.fail(new ConnectFailure(error ?? new ConnectionClosed()));
    else this.fail(error ?? new ConnectionClosed());
  }

  private complete(): void {
    this.inFlight = false;
    this.completed = false;
    // The target said it closes: the next request opens a new socket.
    if (!this.keepAlive) this.drop();
    this.handler.onResponse(this.status);
  }

  private fail(error: Error): void {
    this.inFlight = false;
    this.drop();
    this.handler.onFailure(error);
  }

  /** Forgets the socket (destroying it); the next send opens another. */
  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    this.clearConnectTimer();
    socket?.destroy();
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}

class ConnectTimeout extends Error {
  readonly code = "ETIMEDOUT";
  constructor(ms: number) {
    super(`no connection within ${ms} ms`);
    this.name = "ConnectTimeout";
  }
}
