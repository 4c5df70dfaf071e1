import { describe, expect, it } from "vitest";
import { overallVerdict } from "../../src/action/verdict.ts";
import type { Mesh, RunEvent, RunStatus } from "../../src/results/run-schema.ts";
import { compareResults, regressions } from "../../src/stats/compare.ts";
import { type RunInput, summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE, parseInlineGate } from "../../src/stats/thresholds.ts";
import {
  constantResources,
  loadResult,
  meshContainers,
  runResult,
  T0,
  uniformHistogram,
} from "../helpers/runs.ts";

const ISTIO_OLD: Mesh = { name: "istio", version: "1.24.0" };
const ISTIO_NEW: Mesh = { name: "istio", version: "1.25.0" };

interface Spec {
  /** Default: completed. */
  status?: RunStatus;
  events?: RunEvent[];
}

/** One run per spec, repetitions 1..n; completed runs have the same latency and resources. */
function runs(mesh: Mesh, specs: Spec[]): RunInput[] {
  return specs.map((spec, i) => {
    const ok = (spec.status ?? { state: "ok" }).state === "ok";
    return {
      path: `${mesh.name}-${mesh.version}/r${i + 1}/run.json`,
      run: runResult({
        mesh,
        repetition: i + 1,
        rate: 1000,
        durationMs: 60_000,
        load: ok ? loadResult({ histogram: uniformHistogram(1000, 2000) }) : null,
        resources: ok ? constantResources(meshContainers(1)) : null,
        events: spec.events ?? [],
        ...(spec.status ? { status: spec.status } : {}),
      }),
    };
  });
}

const OK: Spec = {};
const failed = (reason: string, phase = "load"): Spec => ({
  status: { state: "failed", reason, phase },
});
const restart = (container: string): RunEvent => ({
  atMs: T0 + 30_000,
  kind: "restart",
  container,
  detail: "OOMKilled",
});

function compare(base: Spec[], cand: Spec[], gate = DEFAULT_GATE) {
  return compareResults(summarize(runs(ISTIO_OLD, base)), summarize(runs(ISTIO_NEW, cand)), {
    gate,
  });
}

const check = (c: ReturnType<typeof compare>, id: string) =>
  c.meshes[0]?.metrics.find((m) => m.metric === id);

describe("failed runs in a comparison", () => {
  it("regresses when one of the candidate's two runs failed, naming the run and why", () => {
    const c = compare([OK, OK], [OK, failed("web-1 exited during the load")]);
    const f = check(c, "runs.failed")!;
    expect(f.verdict).toBe("regressed");
    expect(f.baseline).toBe(0);
    expect(f.candidate).toBe(0.5);
    expect(f.reason).toBe(
      "1 of 2 candidate runs failed (r2: web-1 exited during the load); the baseline's 2 runs completed",
    );
    // Listed first, and counted as a regression although the surviving run's latency is unchanged.
    expect(c.meshes[0]!.metrics[0]!.metric).toBe("runs.failed");
    expect(regressions(c).map((r) => r.metric.metric)).toEqual(["runs.failed"]);
    expect(check(c, "latency.p99")!.verdict).toBe("unchanged");
    expect(overallVerdict(c)).toBe("regressed");
  });

  it("compares a candidate whose runs all failed instead of leaving it unmatched", () => {
    const c = compare(
      [OK, OK],
      [
        failed("workload not ready after 5m", "deploy"),
        failed("workload not ready after 5m", "deploy"),
      ],
    );
    expect(c.unmatched).toEqual([]);
    expect(c.meshes).toHaveLength(1);
    expect(c.meshes[0]!.label).toBe("istio 1.25.0");
    expect(c.meshes[0]!.baselineLabel).toBe("istio 1.24.0");
    // Nothing else can be compared, and that is not "measured on one side only".
    expect(c.meshes[0]!.metrics.map((m) => m.metric)).toEqual(["runs.failed"]);
    expect(c.meshes[0]!.oneSided).toEqual([]);
    const f = check(c, "runs.failed")!;
    expect(f.verdict).toBe("regressed");
    expect(f.candidate).toBe(1);
    expect(f.reason).toBe(
      "all 2 candidate runs failed (r1: workload not ready after 5m; r2: workload not ready after 5m); the baseline's 2 runs completed",
    );
    expect(overallVerdict(c)).toBe("regressed");
  });

  it("keeps a mesh absent from the baseline unmatched, failed runs or not", () => {
    const c = compareResults(
      summarize(runs(ISTIO_OLD, [OK])),
      summarize(runs({ name: "kuma" }, [failed("boom")])),
      { gate: DEFAULT_GATE },
    );
    expect(c.meshes).toEqual([]);
    expect(c.unmatched).toContain("smoke: kuma: no completed run in the candidate");
  });

  it("is unchanged when both sides failed the same share of runs", () => {
    // 1 of 2 against 2 of 4: the same share, whichever runs they were.
    const c = compare([OK, failed("a")], [failed("b"), OK, OK, failed("c")]);
    const f = check(c, "runs.failed")!;
    expect(f.verdict).toBe("unchanged");
    expect(f.change).toBe(0);
    expect(f.reason).toBe(
      "2 of 4 candidate runs failed (r1: b; r4: c); 1 of 2 baseline runs failed (r2: a)",
    );
    expect(regressions(c)).toEqual([]);
  });

  it("improves when the candidate fails fewer runs", () => {
    const f = check(compare([OK, failed("a")], [OK, OK]), "runs.failed")!;
    expect(f.verdict).toBe("improved");
    expect(f.change).toBe(-0.5);
  });

  it("does not count runs recorded as skipped (the mesh could not run here)", () => {
    const skipped = failed("istioctl not found; install it", "skipped");
    const c = compare([OK, OK], [OK, OK, skipped]);
    const f = check(c, "runs.failed")!;
    expect(f.verdict).toBe("unchanged");
    expect(f.candidate).toBe(0);
    expect(f.reason).toBe("no run failed on either side");
    // A candidate that was only skipped has not run at all: nothing to judge, as before.
    const only = compare([OK, OK], [skipped]);
    expect(only.meshes).toEqual([]);
    expect(only.unmatched).toEqual([
      "smoke: istio 1.25.0: no completed run in the candidate",
      "smoke: istio 1.24.0: in the baseline only",
    ]);
  });

  it("can be turned off, and then an all-failed candidate is unmatched as before", () => {
    const gate = parseInlineGate("runs.failed=off");
    const c = compare([OK, OK], [OK, failed("x")], gate);
    expect(check(c, "runs.failed")).toBeUndefined();
    expect(regressions(c)).toEqual([]);
    const all = compare([OK, OK], [failed("x"), failed("y")], gate);
    expect(all.meshes).toEqual([]);
    expect(all.unmatched).toEqual([
      "smoke: istio 1.25.0: no completed run in the candidate",
      "smoke: istio 1.24.0: in the baseline only",
    ]);
  });
});

describe("restarts in a comparison", () => {
  // meshContainers(1) classes these ids: app/web-1/proxy data plane, app/web-1/web
  // application, lg/loadgen-0/loadgen load generator, mesh/istiod-0/discovery control plane.
  it("regresses from 0 to 2 restarts of a proxy and the app", () => {
    const c = compare(
      [OK, OK],
      [
        OK,
        {
          events: [
            restart("app/web-1/proxy"),
            restart("app/web-1/proxy"),
            restart("app/web-1/web"),
          ],
        },
      ],
    );
    const r = check(c, "events.restarts")!;
    expect(r.verdict).toBe("regressed");
    expect(r.baseline).toBe(0);
    expect(r.candidate).toBe(1.5); // 3 restarts over 2 completed runs
    expect(r.cand.values).toEqual([0, 3]);
    expect(r.reason).toBe(
      "3 restarts in the candidate's 2 completed runs (r2: app/web-1/proxy ×2, app/web-1/web); no restart in the baseline's 2 completed runs",
    );
    expect(overallVerdict(c)).toBe("regressed");
  });

  it("counts restarts, not events: one observation of 3 restarts against 1 a run regresses", () => {
    // The case: a proxy restarting 3 times per run between two samples, against a
    // baseline of 1: one event each, but 3 restarts against 1.
    const three = { events: [{ ...restart("app/web-1/proxy"), restarts: 3 }] };
    const one = { events: [restart("app/web-1/proxy")] };
    const r = check(compare([one, one], [three, three]), "events.restarts")!;
    expect(r.verdict).toBe("regressed");
    expect([r.baseline, r.candidate]).toEqual([1, 3]);
    expect(r.reason).toBe(
      "6 restarts in the candidate's 2 completed runs (r1: app/web-1/proxy ×3; r2: app/web-1/proxy ×3); 2 restarts in the baseline's 2 completed runs (r1: app/web-1/proxy; r2: app/web-1/proxy)",
    );
  });

  it("regresses on 0 vs 2 restarts per run", () => {
    const two = { events: [restart("app/web-1/proxy"), restart("app/emoji-1/proxy")] };
    const r = check(compare([OK, OK], [two, two]), "events.restarts")!;
    expect(r.verdict).toBe("regressed");
    expect(r.candidate).toBe(2);
  });

  it("ignores the load generator's and control plane's restarts", () => {
    const c = compare(
      [OK, OK],
      [OK, { events: [restart("lg/loadgen-0/loadgen"), restart("mesh/istiod-0/discovery")] }],
    );
    const r = check(c, "events.restarts")!;
    expect(r.verdict).toBe("unchanged");
    expect(r.reason).toBe("no restart on either side");
  });

  it("counts a restart of a container the run has no samples for", () => {
    const r = check(
      compare([OK, OK], [OK, { events: [restart("emojivoto/web-1/istio-proxy")] }]),
      "events.restarts",
    )!;
    expect(r.verdict).toBe("regressed");
    expect(r.candidate).toBe(0.5);
  });

  it("compares restarts per completed run, not in total, and ignores failed runs' restarts", () => {
    const one = { events: [restart("app/web-1/proxy")] };
    // Baseline 1 restart in 2 runs, candidate 2 in 4: the same rate.
    const same = check(compare([one, OK], [one, OK, OK, one]), "events.restarts")!;
    expect(same.verdict).toBe("unchanged");
    const fewer = check(compare([one, one], [one, OK]), "events.restarts")!;
    expect(fewer.verdict).toBe("improved");
    const inFailed = compare([OK, OK], [OK, { ...failed("web-1 exited"), ...one }]);
    expect(check(inFailed, "events.restarts")!.verdict).toBe("unchanged");
  });

  it("can be turned off", () => {
    const c = compare(
      [OK, OK],
      [OK, { events: [restart("app/web-1/proxy")] }],
      parseInlineGate("events.restarts=off"),
    );
    expect(check(c, "events.restarts")).toBeUndefined();
    expect(overallVerdict(c)).toBe("pass");
  });
});
