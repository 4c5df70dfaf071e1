// The capacity search against an independent expectation, on the real local platform: a
// sidecar in front of web that serves one request at a time for exactly 20 ms
// (test/fixtures/local/serial-sidecar.ts) saturates at 1000/20 = 50 requests/s. Below that
// its queue stays empty; above it the queue, and so the latency, grows without end (by
// (rate/50 − 1) s every second). The search must land within its precision (10 %) of 50 rps,
// its answer confirmed, every probe a run.json with its histograms, nothing left running.
// The rate is low so that a busy 2-core machine still measures it truthfully (at 100 rps
// the Emojivoto services themselves ran short of CPU at a load average of 16); the SLO is
// on the median, which the machine's noise moves far less than the tail. 7 runs of 3–5 s:
// about a minute on an idle machine, nearly 3 on one with a load average of 15 (each local
// deploy then takes 17 s).
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LocalPlatform } from "../../src/platform/local/platform.ts";
import { readCapacityFile } from "../../src/results/capacity-file.ts";
import { runSchema } from "../../src/results/run-schema.ts";
import { runCapacity } from "../../src/run/capacity.ts";
import { waitGone } from "../helpers/platform.ts";

const SERVICE_MS = 20;
const CAPACITY = 1000 / SERVICE_MS;
const root = await mkdtemp(join(tmpdir(), "meshbench-capacity-local-"));
afterAll(() => rm(root, { recursive: true, force: true }));

describe("meshbench capacity on the local platform", () => {
  it("finds the analytic capacity of a serial sidecar within its precision", async () => {
    const sidecar = resolve("test/fixtures/local/serial-sidecar.ts");
    const meshDir = join(root, "meshes");
    await mkdir(meshDir);
    await writeFile(
      join(meshDir, "serial.yaml"),
      [
        "name: serial",
        `description: one request at a time, ${SERVICE_MS} ms each, in front of web`,
        "local:",
        "  sidecar:",
        `    command: [${process.execPath}, ${sidecar}, "{config}"]`,
        "    config:",
        `      http: '{"listen": {listenPort}, "app": {appPort}, "serviceMs": ${SERVICE_MS}, "service": "{service}"}'`,
        `      grpc: '{"listen": {listenPort}, "app": {appPort}, "serviceMs": 0, "service": "{service}"}'`,
      ].join("\n"),
    );
    const scenarioFile = join(root, "serial.yaml");
    await writeFile(
      scenarioFile,
      [
        "name: serial",
        "platform: local",
        "meshes: [serial]",
        "workload: { app: emojivoto, instances: 1 }",
        'load: { duration: 3s, connections: 32, paths: ["/api/list"] }',
        "resources: { interval: 500ms }",
        "capacity:",
        '  slo: ["p50 <= 150ms", "errors <= 1%"]',
        "  min: 20",
        "  max: 100",
        "  precision: 10%",
        "  probe: 3s",
        "  confirm: 5s",
      ].join("\n"),
    );
    const lines: string[] = [];
    const pids = new Set<number>();
    let platform: LocalPlatform | undefined;
    const result = await runCapacity({
      file: scenarioFile,
      resultsRoot: join(root, "results"),
      chartHost: "none",
      onPlatform: (chosen) => {
        platform = chosen.platform as LocalPlatform;
      },
      progress: (line) => {
        lines.push(line);
        for (const p of platform?.processes() ?? []) pids.add(p.pid);
      },
    });

    const [serial] = result.file.meshes;
    expect(serial, lines.join("\n")).toMatchObject({ mesh: { name: "serial" }, kind: "capacity" });
    // Within the precision of the analytic rate, and bracketed by what held and what failed.
    expect(Math.abs(serial!.rate! - CAPACITY)).toBeLessThanOrEqual(0.1 * CAPACITY);
    expect(serial!.bracket.held).toBe(serial!.rate);
    expect(serial!.bracket.failed!).toBeGreaterThan(CAPACITY);
    expect(serial!.bracket.failed! / serial!.rate!).toBeLessThanOrEqual(1.1);
    // The answer was confirmed by the last, longer run.
    expect(serial!.probes.at(-1)).toMatchObject({
      rate: serial!.rate,
      confirm: true,
      passed: true,
    });
    // Every probe is an ordinary run: run.json and latency.hlog, at the probe's rate.
    for (const probe of serial!.probes) {
      const dir = join(result.dir, probe.dir);
      const run = runSchema.parse(JSON.parse(await readFile(join(dir, "run.json"), "utf8")));
      expect(run.spec.rate).toBe(probe.rate);
      expect(run.spec.durationMs).toBe(probe.confirm ? 5000 : 3000);
      expect((await stat(join(dir, "latency.hlog"))).size).toBeGreaterThan(0);
    }
    // capacity.json reads back as it was written.
    expect(await readCapacityFile(result.dir)).toEqual({ ok: true, file: result.file });
    expect(lines).toContain("[capacity] serial: probe 1 at 20 rps for 3s");
    // Every probe's processes (3 services, 3 sidecars, the load generator) are gone.
    expect(pids.size).toBeGreaterThanOrEqual(7 * serial!.probes.length);
    expect(await waitGone([...pids])).toEqual([]);
  }, 600_000);
});
