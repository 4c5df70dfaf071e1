// The load generator's argv, built by the platforms and parsed by `meshbench loadgen`:
// whatever a platform asks for is what the load generator runs with.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLoadgenArgs } from "../../src/cli/loadgen.ts";
import { type LoadgenFlags, loadgenArgv } from "../../src/loadgen/argv.ts";

describe("loadgenArgv", () => {
  it("round-trips: options → argv → the same options parsed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-argv-"));
    const urlsFile = join(dir, "urls.txt");
    const urls = ["http://127.0.0.1:8080/api/list", "http://127.0.0.1:8081/api/vote"];
    await writeFile(urlsFile, `${urls.join("\n")}\n`);
    const now = new Date("2026-12-03T00:00:00Z");
    const settings = fc.record({
      rate: fc.double({ min: 0.5, max: 100_000, noNaN: true }),
      durationMs: fc.integer({ min: 2000, max: 3_600_000 }),
      warmupFraction: fc.double({ min: 0, max: 0.9, noNaN: true }),
      connections: fc.integer({ min: 2, max: 512 }),
      workers: fc.integer({ min: 1, max: 2 }),
      timeoutMs: fc.integer({ min: 1, max: 600_000 }),
      intervalMs: fc.integer({ min: 1, max: 60_000 }),
      pacing: fc.constantFrom("efficient" as const, "precise" as const),
      startAtMs: fc.option(fc.integer({ min: now.getTime(), max: now.getTime() + 86_400_000 })),
      emitResults: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(settings, async ({ warmupFraction, ...s }) => {
        const flags: LoadgenFlags = {
          ...s,
          warmupMs: Math.floor(s.durationMs * warmupFraction),
          outDir: join(dir, "out"),
          urlsFile,
        };
        const parsed = await parseLoadgenArgs(loadgenArgv(flags), now);
        expect(parsed).toEqual({
          urls,
          rate: flags.rate,
          durationMs: flags.durationMs,
          warmupMs: flags.warmupMs,
          connections: flags.connections,
          workers: flags.workers,
          timeoutMs: flags.timeoutMs,
          intervalMs: flags.intervalMs,
          pacing: flags.pacing,
          startAtMs: flags.startAtMs,
          outDir: flags.outDir,
          quiet: false,
          emitResults: flags.emitResults,
        });
      }),
      { numRuns: 200 },
    );
  });
});
