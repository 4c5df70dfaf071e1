// dist/cli.js alone, copied to an empty directory (no node_modules, no files beside it):
// it starts the local platform's processes from itself (Emojivoto with its protos inside
// the bundle), and its scenario reference works. CI rebuilds dist/ before the tests.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeKube } from "./helpers/fake-kube/index.ts";
import { openPorts, waitGone } from "./helpers/platform.ts";

const dir = mkdtempSync(join(tmpdir(), "meshbench-bundle-test-"));
const cli = join(dir, "cli.js");
copyFileSync("dist/cli.js", cli);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the bundled CLI on its own", () => {
  it("prints the scenario file reference", () => {
    const r = spawnSync(process.execPath, [cli, "scenario", "--explain"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("  load.rate  (default: 100)");
    expect(r.stdout).toContain("  local.sidecar.command  (default: (required))");
  });

  it("runs Emojivoto as processes of itself, which answer, and stops them all", async () => {
    const bare = resolve("scenarios/meshes/bare.yaml");
    const child = spawn(process.execPath, [cli, "workload", "up", "--mesh", bare], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    try {
      const line = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`not up in 30 s:\n${stderr}`)), 30_000);
        createInterface({ input: child.stdout }).on("line", (l) => {
          if (l.startsWith("meshbench-up ")) {
            clearTimeout(timer);
            ok(l);
          }
        });
        exit.then(() => fail(new Error(`exited early:\n${stderr}`)));
      });
      const info = JSON.parse(line.slice("meshbench-up ".length)) as {
        instances: Array<{ baseUrl: string }>;
        processes: Array<{ pid: number; port: number }>;
      };
      const r = await fetch(new URL("api/vote?choice=:joy:", info.instances[0]!.baseUrl), {
        headers: { connection: "close" },
      });
      expect(r.status).toBe(200);
      const board = await fetch(new URL("api/leaderboard", info.instances[0]!.baseUrl), {
        headers: { connection: "close" },
      });
      expect(await board.json()).toEqual([{ shortcode: ":joy:", unicode: "😂", votes: "1" }]);

      child.kill("SIGTERM");
      expect(await exit).toBe(143);
      expect(await waitGone(info.processes.map((p) => p.pid))).toEqual([]);
      expect(await openPorts(info.processes.map((p) => p.port))).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("loads its Kubernetes half (dist/kubernetes.js) only for cluster commands, and says so when it is missing", async () => {
    // The fake API server answers from this process: the CLI must run asynchronously.
    const fake = await startFakeKube();
    const args = ["cleanup", "--kubeconfig", fake.kubeconfigPath, "--wait", "0s"];
    const cliRun = (file: string) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, [file, ...args], { cwd: dir });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (status) => done({ status, stdout, stderr }));
      });
    try {
      const r = await cliRun(resolve("dist/cli.js"));
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("  nothing of meshbench's was found");
      const alone = await cliRun(cli);
      expect(alone.status).toBe(1);
      expect(alone.stderr).toContain(
        `${join(dir, "kubernetes.js")} is missing: the Kubernetes platform ships beside cli.js in dist/`,
      );
    } finally {
      await fake.close();
    }
  });
});
