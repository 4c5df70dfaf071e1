// Failure classes of a request: the connection could not be made, it was
// reset or closed under the request, no answer came within the timeout, or other
// (protocol errors, malformed responses).

export type FailureClass = "connect" | "reset" | "timeout" | "other";

/** A connection attempt failed; raised by our connector so the class is never guessed. */
export class ConnectFailure extends Error {
  override readonly cause: unknown;
  constructor(cause: unknown) {
    super(`connect failed: ${(cause as Error)?.message ?? cause}`);
    this.name = "ConnectFailure";
    this.cause = cause;
  }
}

/** The request was aborted by the load generator's timeout. */
export class RequestTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
    this.name = "RequestTimeout";
  }
}

/** The target closed the connection before the response was whole. */
export class ConnectionClosed extends Error {
  constructor() {
    super("the connection closed before the response was whole");
    this.name = "ConnectionClosed";
  }
}

/** The target's bytes are not an HTTP/1.1 response (or not one that was asked for). */
export class ProtocolError extends Error {
  constructor(reason: string) {
    super(`not an HTTP/1.1 response: ${reason}`);
    this.name = "ProtocolError";
  }
}

const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED"]);
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof ConnectFailure) return "connect";
  if (error instanceof RequestTimeout) return "timeout";
  if (error instanceof ConnectionClosed) return "reset";
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    if (RESET_CODES.has(code)) return "reset";
    if (TIMEOUT_CODES.has(code)) return "timeout";
    if (code === "ECONNREFUSED" || code === "UND_ERR_CONNECT_TIMEOUT") return "connect";
  }
  return "other";
}
