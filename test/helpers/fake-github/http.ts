// Plumbing shared by the fake's routes: parsed requests, JSON and error answers in
// GitHub's shapes, and page/per_page pagination with GitHub's Link header.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeToken } from "./state.ts";

export interface FakeRequest {
  method: string;
  url: URL;
  path: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** Path parameters captured by the route's pattern. */
  params: string[];
  /** The caller, from `Authorization: token|Bearer …`; undefined when anonymous/unknown. */
  token: FakeToken | undefined;
  hadAuthorization: boolean;
}

export type Handler = (req: FakeRequest, res: ServerResponse) => void | Promise<void>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-github-request-id": `FAKE:${Math.floor(Math.random() * 1e9).toString(16)}`,
    "x-github-api-version-selected": "2022-11-28",
    ...headers,
  });
  res.end(text);
}

/** GitHub's REST error body: message, documentation_url, status (a string). */
export function apiError(
  res: ServerResponse,
  status: number,
  message: string,
  docs = "https://docs.github.com/rest",
  extra: Record<string, unknown> = {},
): void {
  json(res, status, { message, documentation_url: docs, status: String(status), ...extra });
}

export const notAccessible = (res: ServerResponse, docs?: string) =>
  apiError(res, 403, "Resource not accessible by integration", docs);

export function readJson<T = Record<string, unknown>>(req: FakeRequest): T {
  if (req.body.length === 0) return {} as T;
  return JSON.parse(req.body.toString("utf8")) as T;
}

/**
 * One page of `items` for `page`/`per_page` (default 30, at most 100, as GitHub), and the
 * Link header GitHub sends: `<…page=2>; rel="next", <…page=4>; rel="last"` (prev/first
 * from page 2 on). `apiUrl` makes the links absolute, as GitHub's are.
 */
export function paginate<T>(
  req: FakeRequest,
  apiUrl: string,
  items: T[],
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.url.searchParams.get("per_page") ?? 30)));
  const page = Math.max(1, Number(req.url.searchParams.get("page") ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number) => {
    const u = new URL(req.url.pathname + req.url.search, apiUrl);
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(n));
    return `<${u.href}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
  if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) rels.push(`${link(1)}; rel="first"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: rels.length ? { link: rels.join(", ") } : {},
  };
}
