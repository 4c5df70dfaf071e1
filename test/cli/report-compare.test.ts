// `meshbench report` and `meshbench compare` as a user runs them: real files, a child
// process, exit codes and messages. Also the bundled dist/cli.js alone, without
// node_modules, as the Action runs it.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { hlogHeader, hlogLine } from "../../src/histogram/hlog.ts";
import { GITHUB_COMMENT_LIMIT } from "../../src/report/markdown.ts";
import { writeRun } from "../../src/results/run-file.ts";
import { exampleRuns } from "../helpers/example.ts";
import { loadResult, runResult, spreadHistogram, uniformHistogram } from "../helpers/runs.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const CLI = join(ROOT, "src/cli/main.ts");

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function meshbench(args: string[], cli = CLI, cwd = ROOT): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
let base: string;
let cand: string;

async function writeSet(root: string, candidate: boolean, rate?: number): Promise<void> {
  for (const { path, run: r } of exampleRuns(candidate)) {
    const runDir = join(root, path.replace(/^results\//, "").replace(/\/run\.json$/, ""));
    const result = rate ? { ...r, spec: { ...r.spec, rate } } : r;
    let hlog: string | undefined;
    if (r.load) {
      const from = r.load.measuredFromMs;
      hlog = hlogHeader(from);
      for (let t = 0; t < 10; t++) {
        hlog += hlogLine(
          {
            startMs: from + t * 1000,
            endMs: from + (t + 1) * 1000,
            histogram: spreadHistogram(800, 2400 + 10 * t, 1000),
          },
          from,
        );
      }
    }
    await writeRun(runDir, result, hlog);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "meshbench-cli-"));
  base = join(dir, "base");
  cand = join(dir, "cand");
  await writeSet(base, false);
  await writeSet(cand, true);
  await mkdir(join(cand, "smoke/istio/r9"), { recursive: true });
  await writeFile(join(cand, "smoke/istio/r9/run.json"), '{"schema": "meshbench/run/v1", "scen');
  // Valid JSON of the right shape whose compressed histograms do not decode, in the
  // candidate and in the baseline.
  const [first] = exampleRuns(false);
  const corrupt = (r: number) => {
    const data = structuredClone(first!.run);
    data.repetition = r;
    data.load!.histogram = Buffer.from("HISTFAAA not deflate data").toString("base64");
    return `${JSON.stringify(data)}\n`;
  };
  for (const root of [cand, base]) {
    await mkdir(join(root, "smoke/bare/r7"), { recursive: true });
    await writeFile(join(root, "smoke/bare/r7/run.json"), corrupt(7));
  }
  await writeFile(
    join(cand, "smoke/bare/r3/latency.hlog"),
    "#[StartTime: 1 (seconds since epoch)]\n0.000,1.000,1.0,HISTFAAAAnotbase64!!\n",
  );
});

describe("meshbench report", () => {
  let outcome: Outcome;
  const out = () => join(dir, "out");
  beforeAll(async () => {
    outcome = await meshbench(["report", cand, "--baseline", base, "--out", out()]);
  });

  it("writes the four files and names them", async () => {
    expect(outcome.code).toBe(0);
    for (const name of ["report.md", "report-compact.md", "report.html", "summary.json"]) {
      expect(outcome.stdout).toContain(join(out(), name));
    }
    // The run checks lead each mesh: istio's proxy restarted, one of linkerd's runs failed.
    expect(outcome.stdout).toMatch(
      /Regressed: istio 1\.25\.0 events\.restarts, istio 1\.25\.0 latency\.p50, .*, linkerd 2\.16\.0 runs\.failed\n/,
    );
  });

  it("reports the damaged run file and interval log by path, and goes on", async () => {
    expect(outcome.stderr).toContain(
      `${join(cand, "smoke/istio/r9/run.json")}: damaged, not valid JSON`,
    );
    expect(outcome.stderr).toContain(
      `${join(cand, "smoke/bare/r3/latency.hlog")}: damaged interval log`,
    );
    for (const root of [cand, base]) {
      expect(outcome.stderr).toContain(
        `${join(root, "smoke/bare/r7/run.json")}: damaged run file: load.histogram: not a compressed HdrHistogram that decodes`,
      );
    }
    expect(outcome.stderr).not.toContain("internal error");
    const md = await readFile(join(out(), "report.md"), "utf8");
    expect(md).toContain("smoke/istio/r9/run.json: damaged");
    expect(md).toContain("smoke/bare/r7/run.json: damaged run file: load.histogram");
    expect(md).toContain("bare: latency over time (ms, log scale), per 1 s, 2 run(s) merged");
    expect(md).toContain(
      "linkerd 2.16.0: latency over time (ms, log scale), per 1 s, 3 run(s) merged",
    );
  });

  it("prints untrusted text on one line, so that it cannot issue a workflow command", async () => {
    const hostile = await mkdtemp(join(tmpdir(), "meshbench-cli-hostile-"));
    const evil = join(hostile, "x\n::error::pwned\u001b[31m\r::add-mask::y");
    await mkdir(evil, { recursive: true });
    await writeFile(join(evil, "run.json"), "{");
    const got = await meshbench(["report", hostile, "--chart-host", "none"]);
    expect(got.code).toBe(0);
    const lines = got.stderr.split("\n");
    expect(lines.filter((l) => l.startsWith("::"))).toEqual([]);
    expect(["\u001b", "\r"].filter((c) => got.stderr.includes(c))).toEqual([]);
    expect(got.stderr).toContain(
      `meshbench: ${hostile}/x\\n::error::pwned\\u001b[31m\\r::add-mask::y/run.json: damaged, not valid JSON`,
    );
  });

  it("writes summary.json with the figures and verdicts", async () => {
    const summary = JSON.parse(await readFile(join(out(), "summary.json"), "utf8"));
    expect(summary.schema).toBe("meshbench/summary/v1");
    expect(summary.verdicts.regressed).toContain("smoke / istio 1.25.0: latency.p50");
    const istio = summary.scenarios[0].meshes.find(
      (m: { label: string }) => m.label === "istio 1.25.0",
    );
    // Median p50 of istio's runs: 2 × lo for lo = 1210, 1220, 1230 µs.
    expect(istio.metrics["latency.p50"].median).toBeCloseTo(2.44, 2);
    expect(istio.overTime.points).toHaveLength(10);
    expect(summary.scenarios[0].overheadVsBare.map((o: { label: string }) => o.label)).toEqual([
      "istio 1.25.0",
      "linkerd 2.16.0",
    ]);
  });

  it("keeps the compact report under GitHub's comment limit", async () => {
    const compact = await readFile(join(out(), "report-compact.md"), "utf8");
    expect(compact.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(compact).toContain("🔴 **istio 1.25.0** `latency.p50`");
  });

  it("sends no data to a chart host with --chart-host none", async () => {
    const none = join(dir, "out-none");
    expect((await meshbench(["report", cand, "--out", none, "--chart-host", "none"])).code).toBe(0);
    const md = await readFile(join(none, "report.md"), "utf8");
    expect(md).not.toContain("![");
    expect(md).not.toContain("quickchart");
  });

  it("exits 2 with a clear message on bad arguments", async () => {
    const noDir = await meshbench(["report"]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain("report: give at least one RESULTS_DIR");
    const bad = await meshbench(["report", cand, "--thresholds", "latency.p95=10%"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--thresholds: "latency\.p95" is not a threshold key; allowed: a metric/,
    );
    const missing = await meshbench(["report", cand, "--thresholds", join(dir, "nope.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--thresholds: cannot read ${join(dir, "nope.yaml")}`);
  });
});

describe("meshbench report: the cost in money", () => {
  it("prices at the flags and gives the monthly figure at --traffic", async () => {
    const out = join(dir, "out-cost");
    const o = await meshbench([
      "report",
      cand,
      "--out",
      out,
      "--traffic",
      "5000rps",
      "--price-vcpu-hour",
      "1",
      "--price-gib-hour",
      "0.5",
    ]);
    expect(o.code).toBe(0);
    const json = JSON.parse(await readFile(join(out, "summary.json"), "utf8"));
    const cost = json.scenarios[0].cost;
    expect(cost.prices).toEqual({
      vcpuHour: 1,
      gibHour: 0.5,
      source: "prices given on the command line",
    });
    expect(cost.trafficRps).toBe(5000);
    // At $1 per vCPU-hour and $0.5 per GiB-hour, a month at 5,000 rps is 5 × 730 hours of
    // what the mesh adds per 1,000 rps.
    for (const m of cost.meshes) {
      const perHour =
        m.dataPlane.vcpuPer1kRps +
        m.controlPlane.vcpuPer1kRps +
        0.5 * (m.dataPlane.gibPer1kRps + m.controlPlane.gibPer1kRps);
      expect(m.usdPerMonth).toBeCloseTo(perHour * 5 * 730, 6);
      expect(m.usdPerMillion).toBeCloseTo(perHour / 3.6, 9);
    }
    expect(await readFile(join(out, "report.md"), "utf8")).toMatch(
      /Cost over bare: istio 1\.25\.0 adds \$[\d,.]+\/month at 5,000 rps; linkerd 2\.16\.0 \$/,
    );
  });

  it("gates on cost.usdPerMillion against a baseline priced alike", async () => {
    const out = join(dir, "out-cost-gate");
    const o = await meshbench(["report", cand, "--baseline", base, "--out", out]);
    expect(o.code).toBe(0);
    const json = JSON.parse(await readFile(join(out, "summary.json"), "utf8"));
    const istio = json.comparison.meshes.find((m: { label: string }) => m.label === "istio 1.25.0");
    const verdict = istio.metrics.find(
      (m: { metric: string }) => m.metric === "cost.usdPerMillion",
    );
    // Judged like any metric (Student's t on per-run values, in the comparison's Holm
    // family), on values whose median is the report's figure.
    expect(verdict.noise.test).toBe("t");
    expect(verdict.noise.family).toBeGreaterThan(1);
    expect(verdict.base.values).toHaveLength(2);
    const figure = json.scenarios[0].cost.meshes.find(
      (m: { label: string }) => m.label === "istio 1.25.0",
    ).usdPerMillion;
    expect(verdict.cand.median / figure).toBeCloseTo(1, 2);
    expect(verdict.cand.values).toHaveLength(3);
  });

  it("refuses one price without the other", async () => {
    const o = await meshbench(["report", cand, "--out", join(dir, "x"), "--price-vcpu-hour", "1"]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain("--price-vcpu-hour and --price-gib-hour: give both or neither");
  });
});

/** Thresholds under which the example's changes pass, its failed run and restart too. */
const LAX = "latency.*: 40%\ncpu.*: 30%\nmemory.*: 30%\nruns.failed: off\nevents.restarts: off\n";

/** `compare --fail-on-regression` with the LAX thresholds written to a file of this name. */
async function compareWithLaxGate(fileName: string) {
  const gate = join(dir, fileName);
  await writeFile(gate, LAX);
  return meshbench(["compare", base, cand, "--thresholds", gate, "--fail-on-regression"]);
}

describe("meshbench compare", () => {
  it("exits 3 on a regression with --fail-on-regression, naming the metrics", async () => {
    const o = await meshbench(["compare", base, cand, "--fail-on-regression"]);
    expect(o.code).toBe(3);
    expect(o.stderr).toMatch(
      /meshbench: regressed: smoke \/ istio 1\.25\.0: events\.restarts \(1 restart in the candidate's 3 completed runs \(r2: emojivoto\/web-1\/istio-proxy\); no restart in the baseline's 2 completed runs\); smoke \/ istio 1\.25\.0: latency\.p50 \(beyond the 10 % threshold and the noise: t-test p = [\d.e-]+ < [\d.]+ \(Holm, \d+ metrics\); at 2 vs 3 runs this gate sees changes of [\d.]+ % or more\); /,
    );
    expect(o.stderr).toContain(
      "smoke / linkerd 2.16.0: runs.failed (1 of 4 candidate runs failed (r4: linkerd-proxy-injector not ready after 300 s); the baseline's 2 runs completed)\n",
    );
    expect(o.stdout).toContain("## Comparison with the baseline");
    expect(o.stdout).toContain("### Comparison details");
  });

  it("exits 0 on a regression without --fail-on-regression", async () => {
    const o = await meshbench(["compare", base, cand]);
    expect(o.code).toBe(0);
    // A histogram that does not decode, on either side, is reported and skipped.
    expect(o.stderr).toContain(
      `baseline: ${join(base, "smoke/bare/r7/run.json")}: damaged run file: load.histogram`,
    );
    expect(o.stderr).toContain(`${join(cand, "smoke/bare/r7/run.json")}: damaged run file`);
  });

  it("judges the cost over bare at the prices given, and refuses one price alone", async () => {
    // linkerd's resources do not change between the sets: at any prices, not a regression.
    const o = await meshbench([
      "compare",
      base,
      cand,
      "--price-vcpu-hour",
      "1",
      "--price-gib-hour",
      "0.5",
    ]);
    expect(o.code).toBe(0);
    expect(o.stdout).toMatch(/linkerd 2\.16\.0 \| `cost\.usdPerMillion` .*unchanged/);
    const one = await meshbench(["compare", base, cand, "--price-gib-hour", "0.5"]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("--price-vcpu-hour and --price-gib-hour: give both or neither");
  });

  it("exits 0 when thresholds allow the change", async () => {
    const o = await compareWithLaxGate("gate.yaml");
    expect(o.stderr).not.toContain("regressed:");
    expect(o.code).toBe(0);
  });

  it("reads a thresholds file whose path holds an =, rather than taking it for pairs", async () => {
    const o = await compareWithLaxGate("latency=40%.yaml");
    expect(o.stderr).not.toContain("--thresholds");
    expect(o.code).toBe(0);
  });

  it("refuses results that are not comparable, listing the differences, unless forced", async () => {
    const other = join(dir, "other-rate");
    await writeSet(other, true, 2000);
    const refused = await meshbench(["compare", base, other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "smoke: istio 1.25.0 vs istio 1.24.0: not comparable (rate (rps): 1000 ≠ 2000)",
    );
    expect(refused.stderr).toContain("--force compares results that are not comparable.");
    const forced = await meshbench(["compare", base, other, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("Compared although not comparable (forced)");
  });

  it("exits 3 when a candidate run failed although the survivors' numbers are unchanged", async () => {
    const sets = join(dir, "failed-runs");
    const write = async (root: string, version: string, failed: number[]) => {
      for (const repetition of [1, 2]) {
        const isFailed = failed.includes(repetition);
        await writeRun(
          join(sets, root, `smoke/istio/r${repetition}`),
          runResult({
            mesh: { name: "istio", version },
            repetition,
            load: isFailed ? null : loadResult({ histogram: uniformHistogram(1000, 2000) }),
            ...(isFailed
              ? {
                  status: {
                    state: "failed" as const,
                    reason: "web-1 exited during the load",
                    phase: "load",
                  },
                }
              : {}),
          }),
        );
      }
    };
    await write("base", "1.24.0", []);
    await write("one-failed", "1.25.0", [2]);
    await write("all-failed", "1.25.0", [1, 2]);
    const gate = (candidate: string, ...more: string[]) =>
      meshbench([
        "compare",
        join(sets, "base"),
        join(sets, candidate),
        "--fail-on-regression",
        ...more,
      ]);
    const one = await gate("one-failed");
    expect(one.code).toBe(3);
    expect(one.stderr).toBe(
      "meshbench: regressed: smoke / istio 1.25.0: runs.failed (1 of 2 candidate runs failed (r2: web-1 exited during the load); the baseline's 2 runs completed)\n",
    );
    // No completed run at all: compared on its failures, not "nothing to compare".
    const all = await gate("all-failed");
    expect(all.code).toBe(3);
    expect(all.stderr).toContain("smoke / istio 1.25.0: runs.failed (all 2 candidate runs failed");
    const off = await gate("one-failed", "--thresholds", "runs.failed=off");
    expect(off.code).toBe(0);
  });

  it("needs exactly two directories", async () => {
    const o = await meshbench(["compare", base]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain("compare: give BASELINE_DIR and CANDIDATE_DIR (got 1 directories)");
  });
});

describe("dist/cli.js", () => {
  it("writes a report.html with Chart.js inlined, from the bundle alone", async () => {
    const alone = join(dir, "alone");
    await mkdir(alone);
    await copyFile(join(ROOT, "dist/cli.js"), join(alone, "cli.js"));
    const o = await meshbench(
      ["report", cand, "--out", join(alone, "out"), "--chart-host", "none"],
      join(alone, "cli.js"),
      alone,
    );
    expect(o.stderr).not.toContain("internal error");
    expect(o.code).toBe(0);
    // Every good run read: 3 meshes × 3 runs (the failed, damaged and foreign files aside).
    expect(o.stdout).toContain("Report of 9 completed run(s) in 1 scenario(s)");
    expect(await readFile(join(alone, "out/report.html"), "utf8")).toContain("Chart.js v4");
  });
});
