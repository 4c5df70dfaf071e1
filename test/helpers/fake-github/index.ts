// A fake GitHub on 127.0.0.1 for tests: the REST API paths meshbench uses, the artifact
// service (twirp + blob) that @actions/artifact uploads to, and the git data
// API. The real Octokit and @actions/artifact talk HTTP to it; tests seed its state and
// read back what was written. Every request is recorded (method, path, caller's login).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { artifactServiceRoutes, runtimeToken } from "./artifact-service.ts";
import { gitRoutes } from "./git.ts";
import { apiError, type FakeRequest, type Route } from "./http.ts";
import { restRoutes } from "./rest.ts";
import { SERVER_URL } from "./shapes.ts";
import { type FakeRun, FakeState } from "./state.ts";

export { ALL_READ, ALL_WRITE, type FakeRun, FakeState, GITHUB_ACTIONS_BOT } from "./state.ts";
export { type ZipEntry, zip } from "./zip.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  /** Login of the token's identity (never the token itself). */
  as: string | undefined;
  status: number;
}

type Hook = { method: string; path: RegExp; run: (req: FakeRequest) => void };
type Fault = { method: string; path: RegExp; status: number; message: string; times: number };

export interface FakeGitHub {
  url: string;
  state: FakeState;
  requests: RecordedRequest[];
  /** Requests that change something through the REST API (not the artifact service). */
  restWrites(): RecordedRequest[];
  /** Runs `fn` once, just before the next matching request is handled (e.g. a concurrent writer). */
  before(method: string, path: RegExp, fn: (req: FakeRequest) => void): void;
  /** Answers the next `times` matching requests with `status` instead (a 502, a 429…). */
  fail(method: string, path: RegExp, status: number, times?: number, message?: string): void;
  /**
   * The environment a runner gives a step of `run`: API and artifact service URLs, the
   * runtime token, repository and run ids. GITHUB_SERVER_URL stays github.com because
   * @actions/artifact refuses to run against GHES hosts.
   */
  jobEnv(run: FakeRun, job?: string): Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeGitHub({
  repository = "acme/shop",
}: {
  repository?: string;
} = {}): Promise<FakeGitHub> {
  const state = new FakeState(repository);
  let url = "";
  const base = () => url;
  const routes: Route[] = [
    ...restRoutes(state, base),
    ...gitRoutes(state, base),
    ...artifactServiceRoutes(state, base),
  ];
  const requests: RecordedRequest[] = [];
  const hooks: Hook[] = [];
  const faults: Fault[] = [];

  const server: Server = createServer(async (msg, res) => {
    const req = await parse(msg, state, url);
    const record: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: req.url.search,
      as: req.token?.user.login,
      status: 0,
    };
    requests.push(record);
    res.on("finish", () => {
      record.status = res.statusCode;
    });
    const hook = hooks.findIndex((h) => h.method === req.method && h.path.test(req.path));
    if (hook >= 0) hooks.splice(hook, 1)[0]!.run(req);
    const fault = faults.find((f) => f.method === req.method && f.path.test(req.path));
    if (fault) {
      if (--fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      return apiError(res, fault.status, fault.message);
    }
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      req.params = m.slice(1);
      try {
        await route.handler(req, res);
      } catch (error) {
        if (!res.headersSent) apiError(res, 500, `fake GitHub: ${(error as Error).stack}`);
      }
      return;
    }
    apiError(res, 404, "Not Found");
  });
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    state,
    requests,
    restWrites: () => requests.filter((r) => r.method !== "GET" && r.path.startsWith("/repos/")),
    before: (method, path, run) => hooks.push({ method, path, run }),
    fail: (method, path, status, times = 1, message = "Server Error") =>
      faults.push({ method, path, status, message, times }),
    jobEnv: (run, job = globalThis.crypto.randomUUID()) => ({
      GITHUB_ACTIONS: "true",
      GITHUB_API_URL: url,
      GITHUB_SERVER_URL: SERVER_URL,
      GITHUB_GRAPHQL_URL: `${url}/graphql`,
      GITHUB_REPOSITORY: state.fullName,
      GITHUB_REPOSITORY_OWNER: state.owner,
      GITHUB_RUN_ID: String(run.id),
      GITHUB_RUN_ATTEMPT: String(run.runAttempt),
      GITHUB_RUN_NUMBER: String(run.runNumber),
      GITHUB_SHA: run.headSha,
      GITHUB_WORKFLOW_REF: `${state.fullName}/${run.workflowPath}@refs/heads/${run.headBranch}`,
      ACTIONS_RUNTIME_TOKEN: runtimeToken(run, job),
      ACTIONS_RESULTS_URL: `${url}/`,
    }),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function parse(msg: IncomingMessage, state: FakeState, base: string): Promise<FakeRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of msg) chunks.push(chunk as Buffer);
  const url = new URL(msg.url ?? "/", base);
  const auth = msg.headers.authorization;
  // Octokit sends `token <t>`; `Bearer <t>` is accepted by GitHub too.
  const secret = auth?.match(/^(?:token|bearer) (.+)$/i)?.[1];
  return {
    method: msg.method ?? "GET",
    url,
    path: decodeURIComponent(url.pathname).replace(/\/+$/, "") || "/",
    headers: msg.headers,
    body: Buffer.concat(chunks),
    params: [],
    token: secret ? state.tokens.get(secret) : undefined,
    hadAuthorization: auth !== undefined,
  };
}
