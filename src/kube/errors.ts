// What went wrong talking to the API server, in words: the call, the HTTP code, and the
// API server's own Status reason and message (client-node's ApiException carries them).
import { ApiException } from "@kubernetes/client-node";

export interface StatusInfo {
  code: number;
  reason?: string;
  message?: string;
  headers: Record<string, string>;
}

/** The HTTP status and Status fields of a client-node error, or null for other errors. */
export function statusOf(error: unknown): StatusInfo | null {
  if (!(error instanceof ApiException)) return null;
  let body: unknown = error.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      body = { message: body };
    }
  }
  const s = (body ?? {}) as { reason?: string; message?: string };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((error.headers ?? {}) as Record<string, string>))
    headers[k.toLowerCase()] = String(v);
  return { code: error.code, reason: s.reason, message: s.message, headers };
}

export class KubeError extends Error {
  readonly code: number | null;
  readonly reason: string | undefined;
  constructor(what: string, error: unknown) {
    const s = statusOf(error);
    const detail = s
      ? `HTTP ${s.code}${s.reason ? ` ${s.reason}` : ""}${s.message ? `: ${s.message}` : ""}`
      : ((error as Error)?.message ?? String(error));
    super(`${what}: ${detail}`, { cause: error });
    this.name = "KubeError";
    this.code = s?.code ?? null;
    this.reason = s?.reason;
  }
}

export const isNotFound = (error: unknown): boolean =>
  statusOf(error)?.code === 404 || (error instanceof KubeError && error.code === 404);

export const isConflict = (error: unknown): boolean =>
  statusOf(error)?.code === 409 || (error instanceof KubeError && error.code === 409);
