// `meshbench run` end to end on the local platform: a real scenario, real processes,
// the results tree and the report — and nothing left running afterwards.
import { randomUUID } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSchema } from "../../src/results/run-schema.ts";
import {
  type ListeningSocket,
  listeningSockets,
  stillListening,
  tagEnv,
  tagged,
} from "../helpers/platform.ts";
import { runMeshbench } from "../helpers/process.ts";
import { localScenarioYaml } from "../helpers/scenario-yaml.ts";

async function meshbenchRun(
  args: string[],
  tag: string,
  onStderr?: (text: string, kill: (signal?: NodeJS.Signals) => void) => void,
  env: NodeJS.ProcessEnv = process.env,
) {
  return runMeshbench(["run", ...args], {
    env: { ...env, ...tagEnv(tag) },
    ...(onStderr ? { onStderr } : {}),
    until: "exit",
  });
}

/** Writes a local scenario of these fields into a new directory. */
async function scenarioFile(
  name: string,
  fields: Record<string, unknown>,
): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "meshbench-e2e-"));
  const file = join(dir, "e2e.yaml");
  await writeFile(file, localScenarioYaml(name, fields));
  return { dir, file };
}

/** One short repetition on one instance: for the cases about what fails, not the figures. */
const SHORT_RUN = {
  repetitions: 1,
  workload: { app: "emojivoto", instances: 1 },
  load: { rate: 50, duration: "3s", warmup: "1s", connections: 2, paths: ["/api/list"] },
};

describe("meshbench run (local platform)", () => {
  it("runs 2 meshes × 2 repetitions interleaved, writes every run and the report, leaves nothing running", async () => {
    const { dir, file } = await scenarioFile("e2e", {
      meshes: ["bare", "haproxy-sidecar"],
      repetitions: 2,
      workload: { app: "emojivoto", instances: 2 },
      load: {
        rate: 100,
        duration: "6s",
        warmup: "1s",
        connections: 8,
        paths: ["/api/list", "/api/vote?choice=:joy:", "/api/leaderboard"],
      },
      resources: { interval: "500ms" },
    });
    const tag = randomUUID();
    const out = join(dir, "results");
    const r = await meshbenchRun([file, "--out", out, "--chart-host", "none"], tag);
    expect(r.stderr).not.toContain("FAILED");
    expect(r.code).toBe(0);

    // Interleaved: bare r1, haproxy r1, bare r2, haproxy r2.
    const order = [...r.stderr.matchAll(/^\[\d\/4\] (\S+) r(\d)/gm)].map((m) => `${m[1]} r${m[2]}`);
    expect(order).toEqual(["bare r1", "haproxy-sidecar r1", "bare r2", "haproxy-sidecar r2"]);

    for (const mesh of ["bare", "haproxy-sidecar"]) {
      for (const rep of [1, 2]) {
        const runDir = join(out, "e2e", mesh, `r${rep}`);
        const run = runSchema.parse(JSON.parse(await readFile(join(runDir, "run.json"), "utf8")));
        expect(run.status.state).toBe("ok");
        // 100 rps × 5 s measured, within 1 %.
        expect(Math.abs(run.load!.achieved.requests - 500)).toBeLessThanOrEqual(5);
        expect(run.load!.achieved.status["2xx"]).toBe(run.load!.achieved.requests);
        const classes = new Set(run.resources!.containers.map((c) => c.class));
        expect(classes.has("application")).toBe(true);
        expect(classes.has("loadGenerator")).toBe(true);
        expect(classes.has("dataPlane")).toBe(mesh === "haproxy-sidecar");
        expect(run.resources!.perRun.application.cpuCores).toBeGreaterThan(0);
        expect(run.resources!.perRun.application.memoryBytes).toBeGreaterThan(10 * 2 ** 20);
        if (mesh === "haproxy-sidecar") {
          // a sidecar per service: 2 instances × (web, emoji, voting)
          expect(run.resources!.perRun.dataPlane.containers).toBe(6);
        }
        expect((await readFile(join(runDir, "latency.hlog"), "utf8")).split("\n")[0]).toMatch(/^#/);
      }
    }
    const report = await readFile(join(out, "e2e", "report.md"), "utf8");
    expect(report).toContain("haproxy-sidecar");
    expect(report).toContain("Overhead vs bare");
    expect(r.stdout).toContain(join(out, "e2e", "report.md"));
    expect(await tagged(tag)).toEqual([]);
  }, 180_000);

  it.each(["SIGINT", "SIGTERM"] as const)(
    "on %s ends the run early, keeps what it measured, cleans up and exits 130",
    async (signal) => {
      const { dir, file } = await scenarioFile("stop", {
        meshes: ["haproxy-sidecar"],
        repetitions: 3,
        workload: { app: "emojivoto", instances: 1 },
        load: { rate: 50, duration: "60s", warmup: "1s", connections: 4, paths: ["/api/list"] },
      });
      const tag = randomUUID();
      const out = join(dir, "results");
      let sent = false;
      let ports: ListeningSocket[] = [];
      const r = await meshbenchRun(
        [file, "--out", out, "--chart-host", "none"],
        tag,
        (stderr, kill) => {
          // Interrupt once a few seconds have been measured, noting the ports bound then.
          if (!sent && /\b[3-9]s\/60s measure/.test(stderr)) {
            sent = true;
            void tagged(tag)
              .then(listeningSockets)
              .then((bound) => {
                ports = bound;
                kill(signal);
              });
          }
        },
      );
      expect(r.code).toBe(130);
      expect(r.stderr).toContain(`${signal}: ending the current run early`);
      const run = runSchema.parse(
        JSON.parse(await readFile(join(out, "stop", "haproxy-sidecar", "r1", "run.json"), "utf8")),
      );
      expect(run.status).toMatchObject({ state: "failed", phase: "load" });
      expect(run.load!.achieved.requests).toBeGreaterThan(50);
      expect(Math.abs(run.load!.achieved.rate - 50)).toBeLessThan(2);
      // The matrix stopped: no second repetition was started.
      await expect(
        readFile(join(out, "stop", "haproxy-sidecar", "r2", "run.json")),
      ).rejects.toThrow();
      expect(await tagged(tag)).toEqual([]);
      // web, emoji, voting and their three sidecars were listening; none of it is left.
      expect(new Set(ports.map((x) => x.port)).size).toBeGreaterThanOrEqual(6);
      expect(await stillListening(ports)).toEqual([]);
    },
    120_000,
  );

  it("records a run whose mesh cannot start as failed, runs the rest, exits 4", async () => {
    const { dir, file } = await scenarioFile("broken", {
      meshes: ["broken-sidecar", "bare"],
      ...SHORT_RUN,
    });
    // A mesh beside the scenario whose sidecar's configuration HAProxy refuses.
    await mkdir(join(dir, "meshes"));
    await copyFile(
      "test/fixtures/meshes/broken-sidecar.yaml",
      join(dir, "meshes", "broken-sidecar.yaml"),
    );
    const tag = randomUUID();
    const out = join(dir, "results");
    const r = await meshbenchRun([file, "--out", out, "--chart-host", "none"], tag);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(
      /FAILED in deploy: .*sidecar listening on 127\.0\.0\.1:\d+: haproxy exited with code 1/,
    );
    const broken = runSchema.parse(
      JSON.parse(await readFile(join(out, "broken", "broken-sidecar", "r1", "run.json"), "utf8")),
    );
    expect(broken.status).toMatchObject({ state: "failed", phase: "deploy" });
    expect(broken.load).toBeNull();
    // The matrix went on: bare ran after it, and the report was written.
    const bare = runSchema.parse(
      JSON.parse(await readFile(join(out, "broken", "bare", "r1", "run.json"), "utf8")),
    );
    expect(bare.status.state).toBe("ok");
    expect(r.stdout).toMatch(/broken-sidecar r1 .* failed \(deploy\): /);
    expect(r.stdout).toContain(join(out, "broken", "report.md"));
    expect(await tagged(tag)).toEqual([]);
  }, 90_000);

  it("skips a mesh whose program is missing, says how to get it, and still runs and reports the rest", async () => {
    const { dir, file } = await scenarioFile("skip", {
      meshes: ["bare", "haproxy-sidecar"],
      ...SHORT_RUN,
    });
    const out = join(dir, "results");
    // A PATH without haproxy (it lives in /usr/sbin), as on a machine with only Node.
    const path = (process.env.PATH ?? "")
      .split(":")
      .filter((p) => !p.endsWith("sbin"))
      .join(":");
    const r = await meshbenchRun(
      [file, "--out", out, "--chart-host", "none"],
      randomUUID(),
      undefined,
      { ...process.env, PATH: path },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /haproxy-sidecar\s+skipped: `haproxy` not found on the PATH; install it: sudo apt-get install -y haproxy/,
    );
    const skipped = runSchema.parse(
      JSON.parse(await readFile(join(out, "skip", "haproxy-sidecar", "r1", "run.json"), "utf8")),
    );
    expect(skipped.status).toMatchObject({ state: "failed", phase: "skipped" });
    const report = await readFile(join(out, "skip", "report.md"), "utf8");
    expect(report).toMatch(/\| haproxy-sidecar \|\s+r1 \| skipped \| `haproxy` not found/);
    const bare = runSchema.parse(
      JSON.parse(await readFile(join(out, "skip", "bare", "r1", "run.json"), "utf8")),
    );
    expect(bare.status.state).toBe("ok");
  }, 60_000);
});

describe("meshbench --help", () => {
  it("gives the quick start as meshbench run scenarios/local-quick.yaml", async () => {
    const { code, stdout } = await runMeshbench(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Quick start[^\n]*\n(?:[^\n]*\n)?\s+meshbench run scenarios\/local-quick\.yaml\n/,
    );
    await expect(readFile("scenarios/local-quick.yaml", "utf8")).resolves.toContain(
      "name: local-quick",
    );
  });
});
