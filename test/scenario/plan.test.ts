// The plan: mesh × rate × repetition, interleaved with the repetition outermost; and its
// text (what `meshbench scenario FILE` and `meshbench run --dry-run` print).
import { describe, expect, it } from "vitest";
import { formatPlan } from "../../src/scenario/format.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { PlanError, planRuns } from "../../src/scenario/plan.ts";
import { expectGolden } from "../helpers/golden.ts";

const scenario = (text: string) => parseScenario("plan-test.yaml", text).scenario;
const order = (text: string, options = {}) =>
  planRuns(scenario(text), options).runs.map((r) => `${r.case} r${r.repetition}`);

describe("planRuns", () => {
  it("interleaves: every mesh once per repetition, in the scenario's order", () => {
    expect(order("meshes: [bare, a, b]\nrepetitions: 2\n")).toEqual([
      "bare r1",
      "a r1",
      "b r1",
      "bare r2",
      "a r2",
      "b r2",
    ]);
  });

  it("runs the matrix once per rate, rates inside each repetition, naming cases by rate", () => {
    const plan = planRuns(
      scenario("meshes: [bare, a]\nrepetitions: 2\nload: { rate: [500, 600] }\n"),
    );
    expect(plan.runs.map((r) => `${r.dir} ${r.rate}`)).toEqual([
      "bare-500rps/r1 500",
      "a-500rps/r1 500",
      "bare-600rps/r1 600",
      "a-600rps/r1 600",
      "bare-500rps/r2 500",
      "a-500rps/r2 500",
      "bare-600rps/r2 600",
      "a-600rps/r2 600",
    ]);
    expect(plan.runs.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("keeps a mesh's case name across version bumps, unless two versions are compared", () => {
    expect(order("meshes: [bare, {name: l, version: '2.1'}]\nrepetitions: 1\n")).toEqual([
      "bare r1",
      "l r1",
    ]);
    expect(
      order("meshes: [{name: l, version: '2.1'}, {name: l, version: '2.2'}]\nrepetitions: 1\n"),
    ).toEqual(["l-2.1 r1", "l-2.2 r1"]);
  });

  it("leaves out skipped meshes and says why; --mesh picks; --repetitions overrides", () => {
    const s = scenario("meshes: [bare, a, b]\n");
    const plan = planRuns(s, { skipped: [{ mesh: "a", reason: "`x` not found" }], repetitions: 1 });
    expect(plan.runs.map((r) => r.mesh)).toEqual(["bare", "b"]);
    expect(plan.skipped).toEqual([{ mesh: "a", reason: "`x` not found" }]);
    expect(planRuns(s, { only: ["b"] }).runs.map((r) => r.dir)).toEqual(["b/r1", "b/r2"]);
    expect(planRuns(s, { only: ["b"], skipped: [{ mesh: "a", reason: "-" }] }).skipped).toEqual([]);
  });

  it("refuses --mesh naming a mesh the scenario does not have", () => {
    expect(() => planRuns(scenario("meshes: [bare, linkerd]\n"), { only: ["linkrd"] })).toThrow(
      new PlanError(
        '--mesh linkrd: the scenario plan-test has no such mesh (did you mean "linkerd"?); its meshes: bare, linkerd',
      ),
    );
  });

  it("counts the load time", () => {
    expect(planRuns(scenario("meshes: [bare, a]\nload: { duration: 15s }\n")).loadMs).toBe(60_000);
  });
});

describe("formatPlan", () => {
  it("shows the set-up, the skipped meshes and every run in order", () => {
    const s = parseScenario(
      "local-quick.yaml",
      [
        "description: bare vs a sidecar",
        "meshes: [bare, haproxy-sidecar, { name: other, version: 1.2.3 }]",
        "load: { rate: [200, 400], duration: 15s, warmup: 3s, connections: 12 }",
      ].join("\n"),
    ).scenario;
    const plan = planRuns(s, {
      skipped: [
        {
          mesh: "haproxy-sidecar",
          reason: "`haproxy` not found on the PATH; apt-get install haproxy",
        },
      ],
    });
    expectGolden("plan.txt", formatPlan(s, plan));
  });
});
