// Per-run CPU on a cluster from metrics-server's usage, which is a rate over its own
// `window` ending at its `timestamp` (not over the time between two samples). The fake API
// server plays a kubelet scraped on a grid of uneven windows, on a simulated clock, and
// serves each window's exact mean of a known step in CPU use: 4× the rate before the load
// starts, the known rate from then on. The per-run figure must be the known rate, for
// short and long runs alike, with the default 30 s sampling.
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Kube } from "../../../src/kube/client.ts";
import { toResourceSample } from "../../../src/platform/kubernetes/platform-info.ts";
import { ResourceSampler } from "../../../src/platform/kubernetes/sampler.ts";
import { buildResources } from "../../../src/results/resources.ts";
import { snapshotsOf } from "../../../src/run/run-record.ts";
import { deployEmojivoto } from "../../helpers/emojivoto-kube.ts";
import { type FakeKube, startFakeKube } from "../../helpers/fake-kube/index.ts";

const RUN = "mb-20261203t060000-0001";
/** When the load starts (simulated), a whole second as metrics-server's timestamps are. */
const L0 = Date.UTC(2026, 11, 3, 6, 0, 0);
/** The known rates (cores) during the load; exact in binary, and in nanocores. */
const RATE: Record<string, number> = { "web-svc": 0.25, "emoji-svc": 0.125, "voting-svc": 0.0625 };
const KNOWN = 0.25 + 0.125 + 0.0625;
/** The kubelet's scrapes: uneven windows (s), repeating, with one scrape at the load's start. */
const WINDOWS_S = [14, 16, 15, 11];
/** metrics-server serves a scrape this long after the kubelet took it. */
const LAG_MS = 2000;

/** Scrape times (ms) from an hour before the load to an hour after it, L0 among them. */
const SCRAPES: number[] = [L0];
for (let k = 0; SCRAPES.at(-1)! < L0 + 3_600_000; k++)
  SCRAPES.push(SCRAPES.at(-1)! + WINDOWS_S[k % 4]! * 1000);
for (let k = 0; SCRAPES[0]! > L0 - 3_600_000; k++)
  SCRAPES.unshift(SCRAPES[0]! - WINDOWS_S[3 - (k % 4)]! * 1000);

/** The last scrape served at `now`, over the window since the scrape before it. */
function readingAt(now: number): { from: number; to: number } {
  const i = SCRAPES.findLastIndex((t) => t <= now - LAG_MS);
  return { from: SCRAPES[i - 1]!, to: SCRAPES[i]! };
}

/** The exact mean over [from, to] of a rate that is 4 × `rate` before L0 and `rate` after. */
function meanOver({ from, to }: { from: number; to: number }, rate: number): number {
  const before = Math.max(0, Math.min(to, L0) - from);
  return (4 * rate * before + rate * (to - from - before)) / (to - from);
}

let fake: FakeKube;
let kube: Kube;
let clock = 0;
afterEach(() => fake?.close());

describe("per-run CPU from metrics-server's windows", () => {
  it.each([20_000, 60_000, 30 * 60_000])(
    "is the known rate for a %i ms run sampled every 30 s",
    async (durationMs) => {
      fake = await startFakeKube({
        metricsWindow: () => {
          const { from, to } = readingAt(clock);
          return { timestamp: new Date(to), window: `${(to - from) / 1000}s` };
        },
        usage: (_pod, container) => {
          const rate = RATE[container];
          if (rate === undefined) return null;
          const nanocores = Math.round(meanOver(readingAt(clock), rate) * 1e9);
          return { cpu: `${nanocores}n`, memory: "32Mi" };
        },
      });
      kube = connect({ path: fake.kubeconfigPath }, { sleep: async () => {} });
      await deployEmojivoto(kube, RUN);

      const intervalMs = 30_000;
      const sampler = new ResourceSampler(kube, {
        namespaces: ["emojivoto-1"],
        classifier: {
          controlPlaneNamespaces: [],
          proxyContainers: [],
          nodeProxyPods: [],
          loadgenNamespace: "meshbench-loadgen",
        },
        intervalMs,
        now: () => clock,
      });
      // The sampler starts 5 s before the load (the Job's start lead), samples every 30 s
      // while it runs, and once more when it has ended (stop()'s last sample).
      const end = L0 + durationMs;
      for (clock = L0 - 5000; clock < end; clock += intervalMs) await sampler.sampleOnce();
      clock = end + 3000;
      await sampler.sampleOnce();
      const { samples } = await sampler.stop();

      const warmupMs = Math.min(durationMs / 10, 30_000);
      const { containers, snapshots } = snapshotsOf(samples.map(toResourceSample));
      const resources = buildResources(intervalMs, containers, snapshots, {
        fromMs: L0 + warmupMs,
        toMs: end,
      });
      expect(resources.perRun.application.cpuCores).toBeCloseTo(KNOWN, 9);
      expect(resources.perRun.application.containers).toBe(3);
      // Each reading keeps the interval it covers, as metrics-server gave it.
      const web = resources.usage[containers.find((c) => c.id.includes("/web-"))!.id]!;
      const last = readingAt(clock);
      expect([web.cpuFromMs.at(-1), web.readAtMs.at(-1)]).toEqual([last.from, last.to]);
    },
  );
});
