// The matrix of runs a scenario asks for: every mesh × every rate × every repetition,
// interleaved with the repetition outermost (r1 of everything, then r2 of everything …)
// so that drift of the machine or cluster hits every configuration alike. Pure.
import type { MeshRef, Scenario } from "./load.ts";
import type { PlatformKind } from "./schema.ts";
import { didYouMean } from "./suggest.ts";

export interface PlannedRun {
  /** 1-based position in the order of execution. */
  index: number;
  mesh: string;
  /** null: the mesh definition's own version. */
  version: string | null;
  rate: number;
  /** 1-based. */
  repetition: number;
  /**
   * What the report compares: the mesh's name, plus the version when the scenario lists
   * that mesh more than once, plus the rate when it has several rates (bare-500rps).
   */
  case: string;
  /** Where the run's results go, under results/<scenario>/: `<case>/r<repetition>`. */
  dir: string;
}

export interface SkippedMesh {
  mesh: string;
  /** One line: why, and how to get what is missing. */
  reason: string;
}

export interface Plan {
  scenario: string;
  platform: PlatformKind;
  meshes: MeshRef[];
  rates: number[];
  repetitions: number;
  runs: PlannedRun[];
  skipped: SkippedMesh[];
  /** Load time alone: runs × duration (setup and cleanup come on top). */
  loadMs: number;
}

export interface PlanOptions {
  /** Only these meshes (`--mesh`); each must be one of the scenario's. */
  only?: readonly string[];
  /** Overrides the scenario's repetitions (`--repetitions`). */
  repetitions?: number;
  /** Meshes that cannot run here (e.g. a binary is missing): left out, and said why. */
  skipped?: readonly SkippedMesh[];
}

/** A plan option names a mesh the scenario does not have. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

export function caseName(mesh: MeshRef, all: readonly MeshRef[], rate: number, rates: number) {
  const twice = all.filter((m) => m.name === mesh.name).length > 1;
  const base = twice && mesh.version ? `${mesh.name}-${mesh.version}` : mesh.name;
  return rates > 1 ? `${base}-${rate}rps` : base;
}

export function planRuns(scenario: Scenario, options: PlanOptions = {}): Plan {
  const names = scenario.meshes.map((m) => m.name);
  for (const wanted of options.only ?? []) {
    if (!names.includes(wanted)) {
      throw new PlanError(
        `--mesh ${wanted}: the scenario ${scenario.name} has no such mesh${didYouMean(wanted, names)}; its meshes: ${names.join(", ")}`,
      );
    }
  }
  const chosen = scenario.meshes.filter((m) => !options.only || options.only.includes(m.name));
  const skipped = (options.skipped ?? []).filter((s) => chosen.some((m) => m.name === s.mesh));
  const meshes = chosen.filter((m) => !skipped.some((s) => s.mesh === m.name));
  const repetitions = options.repetitions ?? scenario.repetitions;
  const rates = scenario.load.rates;

  const runs: PlannedRun[] = [];
  for (let repetition = 1; repetition <= repetitions; repetition++) {
    for (const rate of rates) {
      for (const mesh of meshes) {
        const name = caseName(mesh, scenario.meshes, rate, rates.length);
        runs.push({
          index: runs.length + 1,
          mesh: mesh.name,
          version: mesh.version,
          rate,
          repetition,
          case: name,
          dir: `${name}/r${repetition}`,
        });
      }
    }
  }
  return {
    scenario: scenario.name,
    platform: scenario.platform,
    meshes,
    rates,
    repetitions,
    runs,
    skipped,
    loadMs: runs.length * scenario.load.durationMs,
  };
}
