// The verdict line heads the PR comment; mesh names in it come from run files a fork can
// write, so they are defused like the report's text.
import { describe, expect, it } from "vitest";
import { verdictLine } from "../../src/action/report-step.ts";

describe("verdictLine", () => {
  it("names the regressed meshes and metrics, grouped by mesh", () => {
    const line = verdictLine("regressed", "run 7 (abc1234, 2026-11-20) on main", [
      { mesh: "istio 1.30.1", metric: "latency.p99" },
      { mesh: "istio 1.30.1", metric: "memory.dataPlane" },
      { mesh: "linkerd edge-25.1.1", metric: "latency.p50" },
    ]);
    expect(line).toBe(
      "**meshbench: regressed** against run 7 (abc1234, 2026-11-20) on main: istio 1.30.1 (latency.p99, memory.dataPlane); linkerd edge-25.1.1 (latency.p50)",
    );
  });

  it("cannot be made to mention, link or inject HTML through a mesh name", () => {
    const line = verdictLine("regressed", "run 7 on main", [
      { mesh: "@octocat <img src=x> [x](https://evil.example)", metric: "latency.p99" },
    ]);
    // (an escaped "\](" is no link)
    expect(line).not.toMatch(/@octocat|<img|[^\\]\]\(|https:\/\//);
    expect(line).toContain("&lt;img src=x&gt;");
  });
});
