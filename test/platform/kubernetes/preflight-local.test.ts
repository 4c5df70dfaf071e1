// The preflight before the cluster: kind's container engine is checked before anything is
// downloaded, and a program that cannot be fetched is named with where from, why, and how
// to provide it offline.
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMeshDefinition } from "../../../src/mesh/load.ts";
import { localChecks } from "../../../src/platform/kubernetes/preflight.ts";
import type { ClusterSpec } from "../../../src/scenario/load.ts";

const BIN = resolve("test/fixtures/bin");

const cluster = (provider: ClusterSpec["provider"]): ClusterSpec => ({
  provider,
  loadgen: { pods: 1, meshed: true, startLeadMs: 90_000 },
  timeouts: { installMs: null, deployMs: 600_000, cleanupMs: 300_000 },
});
const KIND = cluster({ kind: "kind", name: "t", image: null, nodes: [], keep: false });
const KUBECONFIG = cluster({ kind: "kubeconfig", path: null, context: null });

/** A download that fails as Node's fetch does without network. */
const offline = (calls: string[]) => async (url: string) => {
  calls.push(url);
  throw new TypeError("fetch failed", { cause: { code: "ENOTFOUND" } });
};

/** The local checks for kind with `path` as the whole PATH, offline; the engine's check. */
async function kindChecksOffline(path: string) {
  const calls: string[] = [];
  const checks = await localChecks(KIND, [], {
    env: { PATH: path },
    cacheDir: join(path, "cache"),
    download: offline(calls),
  });
  return { calls, checks, engine: checks.find((c) => c.name === "container engine")! };
}

describe("preflight before the cluster", () => {
  it("kind without Docker or Podman: fails on the engine and downloads nothing", async () => {
    const empty = await mkdtemp(join(tmpdir(), "meshbench-nopath-"));
    const { calls, checks, engine } = await kindChecksOffline(empty);
    expect(engine.status).toBe("fail");
    expect(engine.detail).toContain("neither docker nor podman is on the PATH");
    expect(engine.fix).toContain("install Docker");
    expect(checks.map((c) => c.name)).not.toContain("kind");
    expect(calls).toEqual([]);
  });

  it("kind with a Docker that does not answer: fails saying so", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-docker-"));
    await writeFile(
      join(dir, "docker"),
      "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n",
    );
    await chmod(join(dir, "docker"), 0o755);
    const { calls, engine } = await kindChecksOffline(dir);
    expect(engine.status).toBe("fail");
    expect(engine.detail).toContain("docker is installed but does not answer `docker info`");
    expect(calls).toEqual([]);
  });

  it("a mesh CLI that cannot be fetched: what, from where, the cause, and how to provide it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-offline-"));
    const linkerd = await loadMeshDefinition("scenarios/meshes/linkerd.yaml");
    const calls: string[] = [];
    const checks = await localChecks(KUBECONFIG, [{ definition: linkerd, version: null }], {
      env: { PATH: dir },
      cacheDir: join(dir, "cache"),
      download: offline(calls),
      platform: { os: "linux", arch: "amd64" },
    });
    const v = linkerd.kubernetes!.version!; // the shipped default, whichever it is
    const url = `https://github.com/linkerd/linkerd2/releases/download/${v}/linkerd2-cli-${v}-linux-amd64`;
    const row = checks.find((c) => c.name === "linkerd")!;
    expect(row.status).toBe("fail");
    expect(row.detail).toBe(
      `${v} is not on the PATH and could not be fetched from ${url}: fetch failed (ENOTFOUND)`,
    );
    expect(row.fix).toBe(
      `put linkerd ${v} on the PATH, or save ${url} as ${dir}/cache/linkerd/${v}/linkerd (executable) with its sha256 in ${dir}/cache/linkerd/${v}/linkerd.sha256`,
    );
    // linkerd was tried once (beside kubectl, which the definition needs too), nothing else.
    expect(calls.filter((c) => c.includes("linkerd"))).toEqual([url]);
  });

  it("a mesh CLI on the PATH at the mesh's version: ok, nothing fetched", async () => {
    const linkerd = await loadMeshDefinition("scenarios/meshes/linkerd.yaml");
    const calls: string[] = [];
    const checks = await localChecks(KUBECONFIG, [{ definition: linkerd, version: null }], {
      env: { PATH: BIN },
      download: offline(calls),
    });
    expect(checks.find((c) => c.name === "linkerd")).toMatchObject({
      status: "ok",
      detail: `${linkerd.kubernetes!.version}: ${BIN}/linkerd`,
    });
    expect(calls).toEqual([]);
  });
});
