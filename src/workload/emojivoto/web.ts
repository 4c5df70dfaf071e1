// Emojivoto's web service: HTTP in front, gRPC calls to emoji and voting behind, with the
// real app's endpoints and answers:
//   /api/list         ListAll → [{shortcode, unicode}]
//   /api/vote?choice= FindByShortcode, then that emoji's Vote RPC → 200, empty body;
//                     no choice or an unknown one → 400 {"error": "…"} (its wording);
//                     the choice may come in a POST form body too (Go's FormValue)
//   /api/leaderboard  Results, then FindByShortcode per result → [{shortcode, unicode, votes}]
//   /img/favicon.ico  an icon (favicon.ts)
//   /js, and every other path → the static page (the real app's mux sends "/" and all
//   unmatched paths to the index)
// A failed upstream call → 500 {"error": "rpc error: code = … desc = …"}.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type * as grpc from "@grpc/grpc-js";
import type { Emoji } from "./emojis.ts";
import { voteMethodName } from "./emojis.ts";
import { faviconIco } from "./favicon.ts";
import { describeRpcError, emojivotoServices, insecureClient, unary } from "./grpc.ts";
import { INDEX_HTML, INDEX_JS } from "./page.ts";
import type { VotingResult } from "./poll.ts";

export interface WebOptions {
  host: string;
  port: number;
  /** host:port of the emoji service (or of its sidecar). */
  emojiAddr: string;
  /** host:port of the voting service (or of its sidecar). */
  votingAddr: string;
  /** Deadline of each upstream gRPC call. */
  callTimeoutMs?: number;
}

export interface RunningWeb {
  port: number;
  close(): Promise<void>;
}

const JSON_TYPE = "application/json; charset=UTF-8";

/** Thrown by handlers to answer with this status and {"error": message}. */
class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`; // Go's json.Encoder ends with a newline
  res.writeHead(status, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, type: string, text: string): void {
  res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const FAVICON = faviconIco();

const URLENCODED = "application/x-www-form-urlencoded";
const MULTIPART = "multipart/form-data";

/**
 * What Go's `r.FormValue(key)` gives the real web: for POST, PUT and PATCH with a form
 * body, the body's value comes before the query's (url-encoded bodies are put first in
 * r.Form), except a multipart body's, which come after; otherwise the query's; "" if none.
 * The body is parsed by the WHATWG Request (undici), as a browser's form post is.
 * Always consumes the body, so keep-alive goes on.
 */
export async function formValue(req: IncomingMessage, url: URL, key: string): Promise<string> {
  const query = url.searchParams.get(key);
  const contentType = req.headers["content-type"] ?? "";
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  const hasForm =
    ["POST", "PUT", "PATCH"].includes(req.method ?? "") &&
    (type === URLENCODED || type === MULTIPART);
  if (!hasForm) {
    req.resume();
    return query ?? "";
  }
  const form = await new Request("http://web/", {
    method: "POST",
    headers: { "content-type": contentType },
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit)
    .formData()
    .catch(() => null); // Go ignores a form it cannot parse
  const value = form?.get(key);
  // A multipart file part is not a form value for Go either.
  const fromBody = typeof value === "string" ? value : null;
  return (type === URLENCODED ? (fromBody ?? query) : (query ?? fromBody)) ?? "";
}

export async function startWeb(options: WebOptions): Promise<RunningWeb> {
  const services = emojivotoServices();
  const emoji = insecureClient(options.emojiAddr);
  const voting = insecureClient(options.votingAddr);
  const timeoutMs = options.callTimeoutMs ?? 10_000;
  const call = <Res>(
    client: grpc.Client,
    def: grpc.ServiceDefinition,
    method: string,
    request: object,
  ): Promise<Res> =>
    unary<Res>(client, def[method]!, request, timeoutMs).catch((error: unknown) => {
      throw new HttpError(500, describeRpcError(error));
    });
  const findByShortcode = (shortcode: string) =>
    call<{ Emoji: Emoji | null }>(emoji, services.emoji, "FindByShortcode", {
      Shortcode: shortcode,
    });

  const list = async (res: ServerResponse) => {
    const reply = await call<{ list: Emoji[] }>(emoji, services.emoji, "ListAll", {});
    sendJson(
      res,
      200,
      reply.list.map((e) => ({ shortcode: e.shortcode, unicode: e.unicode })),
    );
  };

  const vote = async (res: ServerResponse, choice: string) => {
    if (choice === "") throw new HttpError(400, `Emoji choice [${choice}] is mandatory`);
    const found = await findByShortcode(choice);
    if (!found.Emoji) {
      throw new HttpError(400, `Choosen emoji shortcode [${choice}] doesnt exist`);
    }
    await call(voting, services.voting, voteMethodName(found.Emoji.shortcode), {});
    res.writeHead(200, { "content-length": 0 });
    res.end();
  };

  const leaderboard = async (res: ServerResponse) => {
    const { results } = await call<{ results: VotingResult[] }>(
      voting,
      services.voting,
      "Results",
      {},
    );
    const rows: Array<{ shortcode: string; unicode: string; votes: string }> = [];
    // One FindByShortcode per result, one after another, as the real app does: the
    // leaderboard is the request that fans out most.
    for (const result of results) {
      const found = await findByShortcode(result.Shortcode);
      rows.push({
        shortcode: found.Emoji?.shortcode ?? "",
        unicode: found.Emoji?.unicode ?? "",
        votes: String(result.Votes), // the real app sends the count as a string
      });
    }
    sendJson(res, 200, rows);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://web");
    // Only a vote reads a body; every other request's is drained so keep-alive works.
    if (url.pathname !== "/api/vote") req.resume();
    let handled: Promise<void>;
    switch (url.pathname) {
      case "/api/list":
        handled = list(res);
        break;
      case "/api/vote":
        handled = formValue(req, url, "choice").then((choice) => vote(res, choice));
        break;
      case "/api/leaderboard":
        handled = leaderboard(res);
        break;
      case "/js":
        sendText(res, "text/javascript", INDEX_JS);
        return;
      case "/img/favicon.ico":
        res.writeHead(200, { "content-type": "image/x-icon", "content-length": FAVICON.length });
        res.end(FAVICON);
        return;
      default:
        sendText(res, "text/html", INDEX_HTML);
        return;
    }
    handled.catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = error instanceof HttpError ? error.status : 500;
      sendJson(res, status, { error: (error as Error)?.message ?? String(error) });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        emoji.close();
        voting.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
