// `meshbench export --format openmetrics` and `--push` against the real programs (Debian's
// prometheus and prometheus-pushgateway): promtool accepts the text, a Pushgateway on
// loopback takes the push, and a Prometheus scraping it answers a query for a run's p99
// with that run's value. Every wait is bounded; both daemons are stopped after.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMeshbench as meshbench, runProcess } from "../helpers/process.ts";
import { closedPort } from "../helpers/servers.ts";
import { knownResultsDir, knownRuns, LINKERD_LO, percentileOf } from "./known-runs.ts";

const daemons: ChildProcess[] = [];
afterAll(() => {
  for (const d of daemons) d.kill("SIGKILL");
});

function daemon(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: "ignore" });
  daemons.push(child);
  return child;
}

/** Polls `probe` every 200 ms until it returns a value, for at most `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let dir: string;
let text: string;
beforeAll(async () => {
  dir = await knownResultsDir();
  const outcome = await meshbench(["export", dir, "--format", "openmetrics"]);
  expect(outcome.stderr).toBe("");
  expect(outcome.code).toBe(0);
  text = outcome.stdout;
});

describe("export --format openmetrics", () => {
  it("is accepted by promtool check metrics, with every run's series and # EOF last", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "meshbench-om-")), "metrics.txt");
    await writeFile(file, text);
    const check = await runProcess("sh", ["-c", `promtool check metrics < "${file}"`]);
    expect(check.stdout + check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(text.endsWith("# EOF\n")).toBe(true);
    // Each of the six runs: 8 quantiles, _sum and _count.
    expect(text.match(/^meshbench_latency_seconds\{/gm)).toHaveLength(6 * 8);
    expect(text.match(/^meshbench_latency_seconds_count\{/gm)).toHaveLength(6);
    const runs = knownRuns();
    const linkerd2 = runs.find((r) => r.mesh.name === "linkerd" && r.repetition === 2)!;
    const labels = 'scenario="smoke",mesh="linkerd",version="2.16.0",run="2"';
    expect(text).toContain(`meshbench_latency_seconds_count{${labels}} 2001\n`);
    const sum = Number(
      new RegExp(`meshbench_latency_seconds_sum\\{${labels}\\} (\\S+)`).exec(text)![1],
    );
    // Uniform over lo … lo + 2000 µs: the mean is lo + 1000 µs (to HDR precision).
    expect(sum / 2001).toBeCloseTo((LINKERD_LO[1]! + 1000) / 1e6, 5);
    expect(text).toContain(
      `meshbench_memory_bytes{${labels},class="data_plane"} ${linkerd2.resources!.perRun.dataPlane.memoryBytes}\n`,
    );
    // linkerd's run 2 costs $0.0523556 per million requests over bare (trend-formats.test.ts
    // works it by hand); bare has no cost over itself.
    const cost = /meshbench_cost_usd_per_million_requests\{([^}]*)\} (\S+)\n/g;
    const costs = [...text.matchAll(cost)];
    expect(costs.map((m) => m[1]!.includes('mesh="linkerd"'))).toEqual([true, true, true]);
    const run2 = costs.find((m) => m[1] === labels)!;
    expect(Number(run2[2])).toBeCloseTo(0.0523556, 6);
    // Bare has no proxies and no control plane: no series, rather than 0.
    expect(text).not.toMatch(/mesh="bare"[^\n]*class="(data_plane|control_plane)"/);
  });

  it("--push says why a push failed (exit 1), and refuses a URL that is not http(s) (exit 2)", async () => {
    const port = await closedPort();
    const down = await meshbench(["export", dir, "--push", `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(
      `meshbench: push to http://127.0.0.1:${port}/metrics/job/meshbench failed: connect ECONNREFUSED`,
    );
    const bad = await meshbench(["export", dir, "--push", "ftp://gateway/"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "meshbench: --push: ftp://gateway/: a Pushgateway URL is http:// or https://\n",
    );
  });

  it("--push reaches a Pushgateway, and Prometheus scraping it answers for a run's p99", async () => {
    const work = await mkdtemp(join(tmpdir(), "meshbench-prom-"));
    const gatewayPort = await closedPort();
    daemon("prometheus-pushgateway", [
      `--web.listen-address=127.0.0.1:${gatewayPort}`,
      `--persistence.file=${join(work, "pushgateway.data")}`,
    ]);
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    await until("the Pushgateway ready", 30_000, async () =>
      (await fetch(`${gateway}/-/ready`)).ok ? true : undefined,
    );

    const pushed = await meshbench(["export", dir, "--push", gateway, "--mesh", "linkerd"]);
    expect(pushed.stderr).toBe("");
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toBe(`pushed to ${gateway}/metrics/job/meshbench\n`);
    const held = await (await fetch(`${gateway}/metrics`)).text();
    expect(held).toMatch(/^meshbench_latency_seconds\{(?=[^}]*quantile="0.99")(?=[^}]*run="2")/m);

    const promPort = await closedPort();
    const config = join(work, "prometheus.yml");
    await writeFile(
      config,
      [
        "global: { scrape_interval: 1s, evaluation_interval: 1s }",
        "scrape_configs:",
        "  - job_name: pushgateway",
        "    honor_labels: true",
        `    static_configs: [{ targets: ["127.0.0.1:${gatewayPort}"] }]`,
        "",
      ].join("\n"),
    );
    daemon("prometheus", [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(work, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    const query = 'meshbench_latency_seconds{mesh="linkerd",run="2",quantile="0.99"}';
    const answer = await until("Prometheus answering the query", 60_000, async () => {
      const url = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(query)}`;
      const body = (await (await fetch(url)).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data.result.length > 0 ? body.data.result : undefined;
    });
    expect(answer).toHaveLength(1);
    expect(answer[0]!.metric).toMatchObject({ scenario: "smoke", version: "2.16.0" });
    const p99 = Number(answer[0]!.value[1]);
    // The run's own p99 (run.json), and what it must be: lo + 0.99 · 2000 µs, to HDR precision.
    const run = JSON.parse(await readFile(join(dir, "linkerd", "r2", "run.json"), "utf8"));
    expect(p99).toBe(run.load.latencyUs.p99 / 1e6);
    expect(Math.abs(p99 * 1e6 - percentileOf(LINKERD_LO[1]!, 0.99))).toBeLessThanOrEqual(
      percentileOf(LINKERD_LO[1]!, 0.99) * 1e-3,
    );
  }, 120_000);
});
