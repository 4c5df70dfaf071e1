// The history page's data: from the history branch's entries, per scenario one chart per
// figure (p50, p99, p99.9, achieved rate, capacity when present, control-plane and proxy
// CPU and memory) with a line per mesh over time; each mesh's version changes as markers;
// the points where the gate called that figure regressed flagged; the calibrated noise
// floor as a band around each line. Split into chunks by time so the page loads a bounded
// window first and earlier years on demand. Pure: entries in, plain data out.
import { NOISE_MULTIPLE } from "../stats/noise-floor.ts";
import { BARE_COLOR, PALETTE, round } from "./charts.ts";

/** The fields of a history entry the page reads (the history branch's line format). */
export interface PageEntry {
  at: string;
  scenario: string;
  run: { id: number; url: string };
  meshes: Record<string, PageMesh>;
  /** Calibrated run-to-run spread, % of the mean, per metric id. */
  noisePct?: Record<string, number> | undefined;
}

export interface PageMesh {
  achievedRate: number;
  latencyUs: { p50: number; p99: number; "p99.9"?: number | undefined };
  dataPlaneMemoryBytes?: number | null | undefined;
  controlPlaneMemoryBytes?: number | null | undefined;
  dataPlaneCpuCores?: number | null | undefined;
  controlPlaneCpuCores?: number | null | undefined;
  version?: string | undefined;
  /** The capacity search's answer, when the scenario ran one (rps; null: none found). */
  capacity?: { rate?: number | null | undefined } | undefined;
  regressed?: string[] | undefined;
}

interface Figure {
  /** The gate's metric id: regressions and noise are keyed by it. */
  metric: string;
  title: string;
  unit: string;
  log: boolean;
  value: (m: PageMesh) => number | null | undefined;
}

const MIB = 2 ** 20;
const FIGURES: Figure[] = [
  {
    metric: "latency.p50",
    title: "p50 latency",
    unit: "ms",
    log: true,
    value: (m) => m.latencyUs.p50 / 1000,
  },
  {
    metric: "latency.p99",
    title: "p99 latency",
    unit: "ms",
    log: true,
    value: (m) => m.latencyUs.p99 / 1000,
  },
  {
    metric: "latency.p99.9",
    title: "p99.9 latency",
    unit: "ms",
    log: true,
    value: (m) => (m.latencyUs["p99.9"] === undefined ? undefined : m.latencyUs["p99.9"] / 1000),
  },
  {
    metric: "rate.achieved",
    title: "achieved rate",
    unit: "rps",
    log: false,
    value: (m) => m.achievedRate,
  },
  {
    metric: "capacity",
    title: "capacity (highest rate within the SLO)",
    unit: "rps",
    log: false,
    value: (m) => m.capacity?.rate ?? undefined,
  },
  {
    metric: "cpu.controlPlane",
    title: "control-plane CPU",
    unit: "cores",
    log: false,
    value: (m) => m.controlPlaneCpuCores,
  },
  {
    metric: "cpu.dataPlane",
    title: "proxy CPU",
    unit: "cores",
    log: false,
    value: (m) => m.dataPlaneCpuCores,
  },
  {
    metric: "memory.controlPlane",
    title: "control-plane memory",
    unit: "MiB",
    log: false,
    value: (m) => (m.controlPlaneMemoryBytes == null ? null : m.controlPlaneMemoryBytes / MIB),
  },
  {
    metric: "memory.dataPlane",
    title: "proxy memory",
    unit: "MiB",
    log: false,
    value: (m) => (m.dataPlaneMemoryBytes == null ? null : m.dataPlaneMemoryBytes / MIB),
  },
];

export interface PageChart {
  /** Unique in the page: also the canvas id. */
  id: string;
  title: string;
  unit: string;
  log: boolean;
}

export interface PageScenario {
  name: string;
  /** Only figures some entry has: a mesh without a control plane draws no empty chart. */
  charts: PageChart[];
  /** mesh → colour, the same in every chart of the page. */
  colors: Record<string, string>;
}

export interface PagePoint {
  /** ms since the epoch (the x axis is linear time). */
  x: number;
  y: number;
  run: number;
  /** The gate called this figure regressed in this run. */
  regressed?: true;
}

export interface PageBand {
  x: number;
  lo: number;
  hi: number;
}

export interface VersionMarker {
  scenario: string;
  mesh: string;
  x: number;
  /** `2.14.1 → 2.15.0` */
  label: string;
}

/** One slice of time: the page's data for it. */
export interface PageChunk {
  /** `last 90 days`, or a year for earlier chunks. */
  label: string;
  from: number;
  to: number;
  /** chart id → mesh → points, oldest first. */
  points: Record<string, Record<string, PagePoint[]>>;
  /** chart id → mesh → the noise band (value ± NOISE_MULTIPLE × calibrated spread). */
  bands: Record<string, Record<string, PageBand[]>>;
  markers: VersionMarker[];
  entries: number;
}

export interface HistoryPageModel {
  scenarios: PageScenario[];
  /** The window the page opens with (newest). */
  window: PageChunk;
  /** Earlier data, one chunk per calendar year (UTC), newest first; loaded on demand. */
  earlier: PageChunk[];
  noiseMultiple: number;
}

export interface PageOptions {
  now: Date;
  /** The default window: the last `days`, widened to hold at least `minEntries` entries. */
  days: number;
  minEntries: number;
}

const DAY_MS = 86_400_000;
const chartId = (scenario: string, metric: string) =>
  `${scenario}--${metric}`.replace(/[^A-Za-z0-9_-]/g, "_");

/**
 * A mesh's line across versions. Entries key meshes by their label (`istio 1.25.0
 * (tuned)`); with the version recorded beside it, the version is taken out of the key, so
 * a version bump continues the line (with a marker) instead of starting a new one.
 */
export function lineageOf(key: string, mesh: PageMesh): string {
  return mesh.version ? key.replace(` ${mesh.version}`, "") : key;
}

const byLineage = (e: PageEntry): PageEntry => ({
  ...e,
  meshes: Object.fromEntries(Object.entries(e.meshes).map(([k, m]) => [lineageOf(k, m), m])),
});

export function historyPageModel(
  entries: readonly PageEntry[],
  options: PageOptions,
): HistoryPageModel {
  const sorted = entries.map(byLineage).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const scenarios = [...new Set(sorted.map((e) => e.scenario))].sort();
  const meshes = [...new Set(sorted.flatMap((e) => Object.keys(e.meshes)))];
  let next = 0;
  const colors = Object.fromEntries(
    meshes.map((m) => [m, /^bare\b/.test(m) ? BARE_COLOR : PALETTE[next++ % PALETTE.length]!]),
  );
  const pageScenarios = scenarios.map((name) => {
    const own = sorted.filter((e) => e.scenario === name);
    const present = FIGURES.filter((f) =>
      own.some((e) => Object.values(e.meshes).some((m) => f.value(m) != null)),
    );
    const used = new Set(own.flatMap((e) => Object.keys(e.meshes)));
    return {
      name,
      charts: present.map((f) => ({
        id: chartId(name, f.metric),
        title: `${f.title} (${f.unit}${f.log ? ", log scale" : ""})`,
        unit: f.unit,
        log: f.log,
      })),
      colors: Object.fromEntries(Object.entries(colors).filter(([m]) => used.has(m))),
    };
  });

  const newest = sorted.length ? Date.parse(sorted[sorted.length - 1]!.at) : options.now.getTime();
  const byDays = Math.min(options.now.getTime(), newest) - options.days * DAY_MS;
  const nth = sorted[Math.max(0, sorted.length - options.minEntries)];
  const cut = Math.min(byDays, nth ? Date.parse(nth.at) : byDays);
  const inWindow = sorted.filter((e) => Date.parse(e.at) >= cut);
  const before = sorted.filter((e) => Date.parse(e.at) < cut);
  const markers = versionMarkers(sorted);
  const chunk = (label: string, part: PageEntry[], from: number, to: number) =>
    chunkOf(
      label,
      part,
      from,
      to,
      markers.filter((m) => m.x >= from && m.x < to),
    );

  const years = [...new Set(before.map((e) => new Date(e.at).getUTCFullYear()))].sort(
    (a, b) => b - a,
  );
  return {
    scenarios: pageScenarios,
    window: chunk(`last ${options.days} days`, inWindow, cut, Number.POSITIVE_INFINITY),
    earlier: years.map((y) => {
      const from = Date.UTC(y, 0, 1);
      const to = Math.min(Date.UTC(y + 1, 0, 1), cut);
      return chunk(
        String(y),
        before.filter((e) => Date.parse(e.at) >= from && Date.parse(e.at) < to),
        from,
        to,
      );
    }),
    noiseMultiple: NOISE_MULTIPLE,
  };
}

function chunkOf(
  label: string,
  entries: PageEntry[],
  from: number,
  to: number,
  markers: VersionMarker[],
): PageChunk {
  const points: PageChunk["points"] = {};
  const bands: PageChunk["bands"] = {};
  const push = <T>(into: Record<string, Record<string, T[]>>, id: string, mesh: string, v: T) => {
    into[id] ??= {};
    into[id][mesh] ??= [];
    into[id][mesh].push(v);
  };
  for (const e of entries) {
    const x = Date.parse(e.at);
    for (const [mesh, m] of Object.entries(e.meshes)) {
      for (const f of FIGURES) {
        const y = f.value(m);
        if (y == null) continue;
        const id = chartId(e.scenario, f.metric);
        const regressed = m.regressed?.includes(f.metric);
        push(points, id, mesh, {
          x,
          y: round(y),
          run: e.run.id,
          ...(regressed ? { regressed: true as const } : {}),
        });
        const noise = e.noisePct?.[f.metric];
        if (noise !== undefined) {
          const half = (NOISE_MULTIPLE * noise) / 100;
          push(bands, id, mesh, {
            x,
            lo: round(Math.max(0, y * (1 - half))),
            hi: round(y * (1 + half)),
          });
        }
      }
    }
  }
  return { label, from, to, points, bands, markers, entries: entries.length };
}

/** Where a mesh's recorded version differs from its previous entry's, per scenario. */
export function versionMarkers(sorted: readonly PageEntry[]): VersionMarker[] {
  const last = new Map<string, string>();
  const markers: VersionMarker[] = [];
  for (const e of sorted) {
    for (const [mesh, m] of Object.entries(e.meshes)) {
      if (!m.version) continue;
      const key = `${e.scenario}\u0000${mesh}`;
      const before = last.get(key);
      if (before !== undefined && before !== m.version) {
        markers.push({
          scenario: e.scenario,
          mesh,
          x: Date.parse(e.at),
          label: `${before} → ${m.version}`,
        });
      }
      last.set(key, m.version);
    }
  }
  return markers;
}
