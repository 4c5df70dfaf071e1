// The capacity SLO: terms as users write them, what each breaks, and clear refusals.
import { describe, expect, it } from "vitest";
import { formatSloTerm, parseSloTerm, type Slo } from "../../src/scenario/slo.ts";
import { brokenTerms, type ProbeFigures } from "../../src/stats/capacity-slo.ts";

const parseSlo = (terms: string[]): Slo => terms.map((t) => parseSloTerm(t));

function figures(p99: number, errorShare: number, achievedShare: number): ProbeFigures {
  const latencyMs = {
    p50: 1,
    p75: 1,
    p90: 1,
    p99,
    "p99.9": p99,
    "p99.99": p99,
    "p99.999": p99,
    p100: p99,
  };
  return { latencyMs, errorShare, achievedShare };
}

describe("capacity SLO", () => {
  it("reads latency, error and achieved-rate terms", () => {
    expect(parseSlo(["p99 <= 100ms", "errors <= 0.1%", "achieved >= 99%"])).toEqual([
      { kind: "latency", percentile: "p99", maxMs: 100 },
      { kind: "errors", maxShare: 0.001 },
      { kind: "achieved", minShare: 0.99 },
    ]);
    expect(parseSloTerm("latency.p99.9<=1s", "x")).toEqual({
      kind: "latency",
      percentile: "p99.9",
      maxMs: 1000,
    });
    expect(parseSloTerm("max <= 2s", "x")).toMatchObject({ percentile: "p100" });
    expect(
      ["p99 <= 100ms", "errors <= 0.1%", "achieved >= 99%", "max <= 2s"].map((t) =>
        formatSloTerm(parseSloTerm(t, "x")),
      ),
    ).toEqual(["p99 <= 100ms", "errors <= 0.1%", "achieved >= 99%", "max <= 2s"]);
  });

  it("refuses what it cannot hold, naming the place and what is allowed", () => {
    expect(() => parseSloTerm("p98 <= 100ms", "s.yaml:4: capacity.slo[0]")).toThrow(
      /^s\.yaml:4: capacity\.slo\[0\]: "p98 <= 100ms" names no figure an SLO can hold; allowed: "pNN <= DURATION" \(p50, p75, p90, p99, /,
    );
    expect(() => parseSloTerm("p99 >= 100ms", "x")).toThrow(/must be written with <=/);
    expect(() => parseSloTerm("errors >= 1%", "x")).toThrow(/must be written with <=/);
    expect(() => parseSloTerm("achieved >= 0.99", "x")).toThrow(/needs a percentage/);
    expect(() => parseSloTerm("p99 <= 100", "x")).toThrow(/needs a duration/);
    expect(() => parseSloTerm("fast please")).toThrow(/^"fast please" is not an SLO term/);
  });

  it("says which terms a probe broke, with what was measured", () => {
    const slo = parseSlo(["p99 <= 100ms", "errors <= 0.1%", "achieved >= 99%"]);
    expect(brokenTerms(slo, figures(100, 0.001, 0.99))).toEqual([]);
    expect(brokenTerms(slo, figures(100.5, 0.002, 0.98))).toEqual([
      "p99 <= 100ms: was 100.500 ms",
      "errors <= 0.1%: was 0.200%",
      "achieved >= 99%: was 98.00%",
    ]);
    // No response at all: no latency holds.
    expect(brokenTerms(slo, figures(Number.POSITIVE_INFINITY, 0, 1))).toHaveLength(1);
  });
});
