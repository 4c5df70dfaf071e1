// The HTTP face of the fake: discovery, objects, pod logs and metrics.k8s.io at the real
// paths, JSON in and out, errors as Status objects, and faults a test can inject
// (e.g. two 429s with Retry-After, then the real answer).
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import type { LogBook } from "./logs.ts";
import { create, list, type Propagation, patch, remove, replace } from "./objects.ts";
import { podLog, podMetrics } from "./pod-endpoints.ts";
import {
  customResources,
  findResource,
  groupList,
  RESOURCES,
  type ResourceType,
  resourceList,
} from "./resources.ts";
import { ApiError, badRequest, failure } from "./status.ts";
import { type KObject, resourceOf, type Store } from "./store.ts";
import { fieldValidation } from "./unknown-fields.ts";

export interface Fault {
  method?: string;
  /** Matched against the path (no query). */
  path?: RegExp;
  code: number;
  retryAfterSeconds?: number;
  /** How many requests it answers (default 1). */
  times?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  /** The request body as sent (writes only), to check what reached the server. */
  body?: string;
  code?: number;
}

export type Usage = (pod: KObject, container: string) => { cpu: string; memory: string } | null;

/** The interval a pod's usage covers: metrics-server's `timestamp` (its end) and `window`. */
export type MetricsWindow = (pod: KObject) => { timestamp: Date; window: string };

/** A request the fake's RBAC says no to (SelfSubjectAccessReview answers allowed: false). */
export interface AccessRule {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
}

export interface ServerState {
  /** The Kubernetes minor version /version reports, e.g. "1.33". */
  version: string;
  /** Every request is refused with 401 (a kubeconfig whose token expired). */
  rejectCredentials: boolean;
  denied: AccessRule[];
  store: Store;
  logs: LogBook;
  faults: Fault[];
  requests: SeenRequest[];
  /** true: serving; false: not installed (404); "starting": registered, not serving yet. */
  metricsServer: boolean | "starting";
  usage: Usage;
  metricsWindow: MetricsWindow;
}

type Headers = Record<string, string | string[]>;

function send(res: ServerResponse, code: number, body: unknown, headers: Headers = {}) {
  res.writeHead(code, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, seen?: SeenRequest): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (seen) seen.body = text;
  return text;
}

function parseBody(text: string, contentType: string): KObject {
  if (contentType.includes("protobuf"))
    throw new ApiError(
      failure(415, "the fake API server reads JSON and YAML bodies only, not protobuf"),
    );
  try {
    return (contentType.includes("yaml") ? parseYaml(text) : JSON.parse(text)) as KObject;
  } catch (error) {
    throw badRequest(`error decoding body: ${(error as Error).message}`);
  }
}

interface Route {
  resource: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
}

/** /api/v1/... or /apis/<group>/<version>/... → what is addressed. */
function route(path: string, state: ServerState): Route | { discovery: unknown } | null {
  const parts = path.split("/").filter(Boolean);
  if (path === "/version") {
    const [major, minor] = state.version.split(".");
    return {
      discovery: {
        major,
        minor,
        gitVersion: `v${state.version}.0-fake`,
        platform: "linux/amd64",
      },
    };
  }
  if (path === "/api")
    return {
      discovery: {
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }],
      },
    };
  const served = [
    ...RESOURCES.filter((r) => state.metricsServer || r.group !== "metrics.k8s.io"),
    ...customResources(
      state.store.list(resourceOf("customresourcedefinitions", "apiextensions.k8s.io")),
    ),
  ];
  if (path === "/apis") return { discovery: groupList(served) };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 2)
    [group, version, rest] = ["", parts[1]!, parts.slice(2)];
  else if (parts[0] === "apis" && parts.length >= 3)
    [group, version, rest] = [parts[1]!, parts[2]!, parts.slice(3)];
  else return null;
  if (rest.length === 0) {
    const list = resourceList(group, version, served);
    return list ? { discovery: list } : null;
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = findResource(group, version, rest[0]!, served);
  if (!resource || (group === "metrics.k8s.io" && !state.metricsServer)) return null;
  if (namespace !== undefined && !resource.namespaced) return null;
  return { resource, namespace, name: rest[1], sub: rest[2] };
}

/** A SelfSubjectAccessReview answered from the fake's denials (everything else is allowed). */
function accessReview(state: ServerState, review: KObject): KObject {
  const a = (review.spec?.resourceAttributes ?? {}) as Partial<AccessRule>;
  const denied = state.denied.some(
    (d) =>
      d.verb === a.verb &&
      d.resource === a.resource &&
      (d.group ?? "") === (a.group ?? "") &&
      (d.subresource ?? "") === (a.subresource ?? ""),
  );
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: { name: "" },
    spec: review.spec,
    status: denied ? { allowed: false, reason: "denied by the fake's RBAC" } : { allowed: true },
  };
}

export async function handle(
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake");
  const method = req.method ?? "GET";
  const seen: SeenRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    contentType: req.headers["content-type"],
  };
  state.requests.push(seen);
  const reply = (code: number, body: unknown, headers: Headers = {}) => {
    seen.code = code;
    send(res, code, body, headers);
  };
  const notAllowed = () =>
    reply(405, failure(405, "the server does not allow this method on the requested resource"));
  /** The request's object, JSON unless it says otherwise. */
  const requestObject = async () =>
    parseBody(await readBody(req, seen), req.headers["content-type"] ?? "application/json");
  try {
    const fault = state.faults.find(
      (f) =>
        (f.times ?? 1) > 0 &&
        (!f.method || f.method === method) &&
        (!f.path || f.path.test(url.pathname)),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined
          ? { "retry-after": String(fault.retryAfterSeconds) }
          : {};
      const message =
        fault.code === 429 ? "Too many requests, please try again later." : "injected fault";
      return reply(
        fault.code,
        failure(
          fault.code,
          message,
          fault.retryAfterSeconds !== undefined
            ? { details: { retryAfterSeconds: fault.retryAfterSeconds } }
            : {},
        ),
        headers,
      );
    }
    if (state.metricsServer === "starting" && url.pathname.startsWith("/apis/metrics.k8s.io/")) {
      // The aggregator's answer while the APIService is unavailable: Go's http.Error, plain
      // text, not a Status object.
      seen.code = 503;
      res.writeHead(503, {
        "content-type": "text/plain; charset=utf-8",
        "x-content-type-options": "nosniff",
      });
      return void res.end("service unavailable\n");
    }
    if (state.rejectCredentials)
      return reply(401, failure(401, "Unauthorized", { reason: "Unauthorized" }));
    if (url.pathname === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") {
      if (method !== "POST") return reply(405, failure(405, `method ${method} is not allowed`));
      const review = await requestObject();
      return reply(201, accessReview(state, review));
    }
    const r = route(url.pathname, state);
    if (!r)
      return reply(
        404,
        failure(404, "the server could not find the requested resource", { details: {} }),
      );
    if ("discovery" in r) return reply(200, r.discovery);
    const { resource, namespace, name, sub } = r;
    if (sub === "log" && method === "GET")
      return await podLog(state, res, namespace!, name!, url.searchParams, seen);
    if (resource.group === "metrics.k8s.io") return reply(200, podMetrics(state, namespace, name));
    if (sub && sub !== "status")
      return reply(404, failure(404, "the server could not find the requested resource"));
    const q = url.searchParams;
    /** A write's body, with the Warning headers its unknown fields earn (fieldValidation). */
    const written = async (contentType: string) => {
      const body = parseBody(await readBody(req, seen), contentType);
      const warning = fieldValidation(resource, body, q.get("fieldValidation"));
      return { body, headers: (warning ? { warning } : {}) as Headers };
    };
    switch (method) {
      case "GET":
        if (name) return reply(200, state.store.mustGet(resource, namespace, name));
        if (q.get("watch") === "true" || q.get("watch") === "1")
          return reply(405, failure(405, "watch is not supported by the fake API server"));
        return reply(
          200,
          list(state.store, resource, namespace, {
            labelSelector: q.get("labelSelector"),
            fieldSelector: q.get("fieldSelector"),
            limit: Number(q.get("limit") ?? 0),
            continueToken: q.get("continue"),
          }),
        );
      case "POST": {
        if (name) return notAllowed();
        const { body, headers } = await written(req.headers["content-type"] ?? "application/json");
        return reply(
          201,
          create(state.store, resource, namespace, body, { dryRun: q.get("dryRun") === "All" }),
          headers,
        );
      }
      case "PATCH": {
        if (!name) return notAllowed();
        const contentType = req.headers["content-type"] ?? "";
        const { body, headers } = await written(contentType);
        const out = patch(state.store, resource, namespace, name, {
          contentType,
          body,
          fieldManager: q.get("fieldManager"),
          force: q.get("force") === "true",
        });
        return reply(out.created ? 201 : 200, out.object, headers);
      }
      case "PUT": {
        if (!name) return notAllowed();
        const { body, headers } = await written(req.headers["content-type"] ?? "application/json");
        const existing = state.store.mustGet(resource, namespace, name);
        return reply(200, replace(state.store, resource, existing, body), headers);
      }
      case "DELETE": {
        if (!name)
          return reply(
            405,
            failure(405, "deletecollection is not supported by the fake API server"),
          );
        const text = await readBody(req);
        const options = text ? (JSON.parse(text) as { propagationPolicy?: Propagation }) : {};
        const policy = (q.get("propagationPolicy") ??
          options.propagationPolicy ??
          null) as Propagation | null;
        const out = remove(state.store, resource, namespace, name, policy);
        return reply(out.code, out.body);
      }
      default:
        return reply(405, failure(405, `method ${method} is not allowed`));
    }
  } catch (error) {
    if (error instanceof ApiError) return reply(error.status.code, error.status, error.headers);
    return reply(500, failure(500, `fake API server fault: ${(error as Error).message}`));
  }
}
