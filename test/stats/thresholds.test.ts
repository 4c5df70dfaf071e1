import { describe, expect, it } from "vitest";
import { parseGateFile, parseInlineGate, thresholdFor } from "../../src/stats/thresholds.ts";

describe("thresholds", () => {
  it("reads a YAML file: metrics, groups and alpha; a metric beats its group; defaults elsewhere", () => {
    const gate = parseGateFile(
      "latency.p99: 10%\nlatency.*: 20%\nmemory.dataPlane: 15 %\nerrors.rate: 0.5pp\nalpha: 0.1\n",
      "gate.yaml",
    );
    expect(gate.alpha).toBe(0.1);
    expect(thresholdFor("latency.p99", gate)).toEqual({ kind: "relative", percent: 10 });
    expect(thresholdFor("latency.p50", gate)).toEqual({ kind: "relative", percent: 20 });
    expect(thresholdFor("memory.dataPlane", gate)).toEqual({ kind: "relative", percent: 15 });
    expect(thresholdFor("errors.rate", gate)).toEqual({ kind: "absolute", value: 0.005 });
    expect(thresholdFor("cpu.maxProxy", gate)).toEqual({ kind: "relative", percent: 15 });
    expect(thresholdFor("rate.achieved", gate)).toEqual({ kind: "relative", percent: 2 });
  });

  it("reads inline pairs", () => {
    const gate = parseInlineGate("latency.p99=5%,cpu.*=30%");
    expect(thresholdFor("latency.p99", gate)).toEqual({ kind: "relative", percent: 5 });
    expect(thresholdFor("cpu.controlPlane", gate)).toEqual({ kind: "relative", percent: 30 });
    expect(gate.alpha).toBe(0.05);
  });

  it("turns run checks off, and takes nothing else for them", () => {
    // YAML 1.1 would read a bare off as false; the file must still mean "off".
    expect(parseGateFile("runs.failed: off\nevents.restarts: off\n", "gate.yaml").off).toEqual([
      "runs.failed",
      "events.restarts",
    ]);
    expect(parseInlineGate("events.restarts=off").off).toEqual(["events.restarts"]);
    expect(parseInlineGate("latency.p99=5%").off).toBeUndefined();
    expect(() => parseInlineGate("runs.failed=10%")).toThrow(
      '--thresholds: runs.failed: "10%" is not allowed; any increase counts, so the only setting is "runs.failed: off"',
    );
    expect(() => parseGateFile("runs.*: off\n", "gate.yaml")).toThrow(
      /gate\.yaml: "runs\.\*" is not a threshold key; allowed: .*a run check set to off \(runs\.failed, events\.restarts\) or alpha$/,
    );
  });

  it("names the source, the key and what is allowed", () => {
    expect(() => parseGateFile("latency.p95: 10%\n", "gate.yaml")).toThrow(
      /^gate\.yaml: "latency\.p95" is not a threshold key; allowed: a metric \(latency\.p50, .*\), a group \(latency\.\*, .*\) or alpha$/,
    );
    expect(() => parseInlineGate("latency.p99=10")).toThrow(
      '--thresholds: latency.p99: "10" is not a threshold; write it like "latency.p99: 10%"',
    );
    expect(() => parseInlineGate("errors.rate=1%")).toThrow(
      /errors\.rate: "1%": the error rate takes an absolute threshold in percentage points/,
    );
    expect(() => parseInlineGate("latency.p50=1pp")).toThrow(
      /this metric takes a threshold relative to the baseline/,
    );
    expect(() => parseInlineGate("alpha=2")).toThrow(
      '--thresholds: alpha: "2" is not allowed; write a level between 0 and 1, e.g. 0.05',
    );
    expect(() => parseInlineGate("p99")).toThrow('--thresholds: "p99" is not key=value');
    expect(() => parseGateFile("- 1\n- 2\n", "list.yaml")).toThrow(
      'list.yaml: must be a mapping like "latency.p99: 10%"',
    );
    expect(() => parseGateFile("a: [\n", "bad.yaml")).toThrow(/^bad\.yaml: not valid YAML/);
  });
});
