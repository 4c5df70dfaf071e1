// capacity.json contents as `meshbench capacity` writes them, for reports and comments: bare
// held the search's max (an "at least" answer), linkerd a capacity with its bracket.
import type { CapacityFile, MeshCapacity } from "../../src/results/capacity-file.ts";

const probe = (rate: number, passed: boolean, p99Ms: number, confirm = false) => ({
  rate,
  confirm,
  passed,
  instrumentLimited: false,
  broken: passed ? [] : [`p99 <= 100ms: was ${p99Ms.toFixed(3)} ms`],
  dir: `linkerd/p${rate}`,
  p99Ms,
  achievedRate: rate,
  dataPlaneCores: rate / 2000,
});

function linkerd(held: number, failed: number): MeshCapacity {
  return {
    mesh: { name: "linkerd" },
    kind: "capacity",
    rate: held,
    bracket: { held, failed },
    probes: [
      probe(100, true, 5),
      probe(5000, false, 4000),
      probe(held, true, 40),
      probe(failed, false, 900),
      probe(held, true, 60, true),
    ],
  };
}

const bare: MeshCapacity = {
  mesh: { name: "bare" },
  kind: "at-least",
  rate: 5000,
  limit: "max",
  bracket: { held: 5000, failed: null },
  probes: [],
};

/** A search of 100..5000 rps to 5 % in which linkerd held `held` rps and failed at `failed`. */
export function capacitySearch(held: number, failed: number, scenario = "study"): CapacityFile {
  return {
    schema: "meshbench/capacity/v1",
    scenario,
    slo: ["p99 <= 100ms", "errors <= 0.1%"],
    minRate: 100,
    maxRate: 5000,
    precision: "5%",
    probeMs: 600_000,
    confirmMs: 1_800_000,
    meshes: [bare, linkerd(held, failed)],
  };
}
