// Providers: an existing cluster from a kubeconfig, and kind driven through a fake `kind`
// executable (it records its arguments and writes a kubeconfig pointing at the fake API
// server); tools found on the PATH at the pinned version, or downloaded, checksummed and
// cached (the download is a local stand-in: no network).
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MANAGED_BY } from "../../src/kube/labels.ts";
import { kindProvider } from "../../src/provision/kind.ts";
import { kindConfig } from "../../src/provision/kind-config.ts";
import { kubeconfigProvider } from "../../src/provision/kubeconfig.ts";
import { KIND, resolveTool, type ToolSpec } from "../../src/tools/pinned.ts";
import { servedFiles } from "../helpers/downloads.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../helpers/fake-kube/index.ts";
import { METRICS_SERVER_MANIFEST } from "../helpers/metrics-server.ts";

const FAKE_KIND = `#!/bin/sh
echo "$*" >> "$FAKE_KIND_LOG"
case "$1" in
  version) echo "kind \${FAKE_KIND_VERSION:-v0.29.0} go1.24.2 linux/amd64" ;;
  create)
    if [ -n "$FAKE_KIND_FAIL" ]; then echo "ERROR: failed to create cluster: node(s) already exist" >&2; exit 1; fi
    while [ $# -gt 0 ]; do
      [ "$1" = "--kubeconfig" ] && cp "$FAKE_KUBECONFIG" "$2"
      [ "$1" = "--config" ] && cp "$2" "$FAKE_KIND_LOG.config"
      shift
    done ;;
esac
`;

let fake: FakeKube;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  fake = await startFakeKube({ readyAfterMs: 20 });
  dir = await mkdtemp(join(tmpdir(), "meshbench-provision-"));
  await writeFile(join(dir, "kind"), FAKE_KIND, { mode: 0o755 });
  // The fake kind's settings reach it as any variable a user adds does: named in
  // MESHBENCH_PASS_ENV (children get an allowlisted environment, tools/child-env.ts).
  env = {
    ...process.env,
    PATH: `${dir}:${process.env.PATH}`,
    FAKE_KIND_LOG: join(dir, "kind.log"),
    FAKE_KUBECONFIG: fake.kubeconfigPath,
    MESHBENCH_PASS_ENV: "FAKE_KIND_LOG FAKE_KUBECONFIG FAKE_KIND_FAIL FAKE_KIND_VERSION",
  };
});
afterEach(async () => {
  await fake.close();
});

const kindLog = async () => (await readFile(join(dir, "kind.log"), "utf8")).trim().split("\n");

describe("kind", () => {
  it("creates a labelled multi-node cluster, installs metrics-server (through the mirrors), and deletes it once", async () => {
    const provider = kindProvider({
      name: "meshbench-smoke",
      nodes: [
        { role: "control-plane" },
        { role: "worker", labels: { "meshbench.io/pool": "apps" } },
        { role: "worker" },
      ],
      tools: { env, cacheDir: join(dir, "cache") },
      metricsServerManifest: METRICS_SERVER_MANIFEST,
      // cluster.images: metrics-server is pulled through the mirror like meshbench's images.
      images: { registry: "mirror.example.com/hub" },
    });
    const info = await provider.create();
    const calls = await kindLog();
    expect(calls[0]).toBe("version");
    expect(calls[1]).toMatch(
      /^create cluster --name meshbench-smoke --config \S+\/kind-config\.yaml --kubeconfig \S+\/kubeconfig --wait 5m$/,
    );
    expect(parse(await readFile(join(dir, "kind.log.config"), "utf8"))).toEqual({
      kind: "Cluster",
      apiVersion: "kind.x-k8s.io/v1alpha4",
      nodes: [
        { role: "control-plane" },
        { role: "worker", labels: { "meshbench.io/pool": "apps" } },
        { role: "worker" },
      ],
    });
    expect(info.provider).toBe("kind");
    expect(info.nodes.map((n) => n.name)).toContain("meshbench-worker");
    expect(info.nodes.find((n) => n.name === "meshbench-control-plane")?.roles).toEqual([
      "control-plane",
    ]);
    expect((await stat(info.kubeconfigPath)).mode & 0o777).toBe(0o600);

    const ms = fake.store.get(resourceOf("deployments", "apps"), "kube-system", "metrics-server")!;
    expect(ms.spec.template.spec.containers[0].args).toEqual([
      "--cert-dir=/tmp",
      "--secure-port=10250",
      "--kubelet-insecure-tls",
    ]);
    expect(ms.metadata.labels?.[MANAGED_BY]).toBeUndefined(); // not the run's: cleanup leaves it
    expect(ms.spec.template.spec.containers[0].image).toBe(
      "mirror.example.com/hub/metrics-server/metrics-server:v0.7.2",
    );

    await provider.destroy();
    await provider.destroy();
    expect((await kindLog()).filter((l) => l.startsWith("delete"))).toEqual([
      "delete cluster --name meshbench-smoke",
    ]);
    await expect(stat(info.kubeconfigPath)).rejects.toThrow("ENOENT");
  });

  it("still deletes the cluster when create failed half-way, and says why it failed", async () => {
    env.FAKE_KIND_FAIL = "1";
    const provider = kindProvider({
      name: "meshbench-broken",
      nodes: [{ role: "control-plane" }],
      tools: { env, cacheDir: join(dir, "cache") },
      metricsServerManifest: METRICS_SERVER_MANIFEST,
    });
    await expect(provider.create()).rejects.toThrow(
      /kind create cluster --name meshbench-broken .*: exit 1\n {4}ERROR: failed to create cluster: node\(s\) already exist/,
    );
    await provider.destroy();
    expect(await kindLog()).toContain("delete cluster --name meshbench-broken");
  });

  it("refuses names and labels that could reach a command line", () => {
    expect(() => kindProvider({ name: "x; rm -rf ~", nodes: [{ role: "control-plane" }] })).toThrow(
      "cluster.name: \"x; rm -rf ~\" is not allowed; allowed: lowercase letters, digits and '-'",
    );
    expect(() => kindConfig([{ role: "worker" }])).toThrow(
      "cluster.nodes: needs a control-plane node",
    );
    expect(() => kindConfig([{ role: "control-plane", labels: { "a b": "c" } }])).toThrow(
      'cluster.nodes[0].labels key: "a b" is not allowed',
    );
  });
});

describe("tools at pinned versions", () => {
  const bytes = "#!/bin/sh\necho 'kind v0.29.0 go1.24.2 linux/amd64'\n";
  const hash = createHash("sha256").update(bytes).digest("hex");
  const spec: ToolSpec = { ...KIND, sha256: undefined };

  const files = {
    [KIND.url({ os: "linux", arch: "amd64" })]: bytes,
    [KIND.checksumUrl!({ os: "linux", arch: "amd64" })]: `${hash}  kind-linux-amd64\n`,
  };
  const platform = { os: "linux", arch: "amd64" } as const;

  it("uses the PATH's kind when it is the pinned version", async () => {
    const d = servedFiles(files);
    expect(
      await resolveTool(spec, { env, download: d.download, cacheDir: join(dir, "cache") }),
    ).toBe(join(dir, "kind"));
    expect(d.seen).toEqual([]);
  });

  it("downloads, checks and caches the pinned version when the PATH has another", async () => {
    env.FAKE_KIND_VERSION = "v0.20.0";
    const d = servedFiles(files);
    const cacheDir = join(dir, "cache");
    const path = await resolveTool(spec, { env, download: d.download, cacheDir, platform });
    expect(path).toBe(join(cacheDir, "kind", "v0.29.0", "kind"));
    expect(d.seen).toEqual([KIND.url(platform), KIND.checksumUrl!(platform)]);
    expect((await stat(path)).mode & 0o111).not.toBe(0);
    expect(await readFile(path, "utf8")).toBe(bytes);
    // Second time: from the cache, checked against the published checksum fetched again
    // (deliberately changed: the cache's own record of it could have been planted).
    expect(await resolveTool(spec, { env, download: d.download, cacheDir, platform })).toBe(path);
    expect(d.seen).toEqual([
      KIND.url(platform),
      KIND.checksumUrl!(platform),
      KIND.checksumUrl!(platform),
    ]);
  });

  it("never uses a planted cache entry, even with a matching checksum file beside it", async () => {
    const planted = "#!/bin/sh\necho pwned\n";
    const plant = async (cacheDir: string) => {
      await mkdir(join(cacheDir, "kind", "v0.29.0"), { recursive: true });
      const path = join(cacheDir, "kind", "v0.29.0", "kind");
      await writeFile(path, planted, { mode: 0o755 });
      await writeFile(`${path}.sha256`, `${createHash("sha256").update(planted).digest("hex")}\n`);
    };
    // Checked against the published checksum, and against one pinned in code.
    for (const s of [spec, { ...spec, sha256: { "linux-amd64": hash } }]) {
      const cacheDir = await mkdtemp(join(dir, "planted-"));
      await plant(cacheDir);
      const d = servedFiles(files);
      const path = await resolveTool(s, {
        usePath: false,
        download: d.download,
        cacheDir,
        platform,
      });
      expect(await readFile(path, "utf8")).toBe(bytes);
      expect(d.seen).toContain(KIND.url(platform));
    }
    // A good cache entry with the hash pinned: no download at all.
    const cacheDir = await mkdtemp(join(dir, "pinned-"));
    const pinned = { ...spec, sha256: { "linux-amd64": hash } };
    const d = servedFiles(files);
    await resolveTool(pinned, { usePath: false, download: d.download, cacheDir, platform });
    await resolveTool(pinned, { usePath: false, download: d.download, cacheDir, platform });
    expect(d.seen).toEqual([KIND.url(platform)]);
  });

  it("pins kind's sha256 for every platform", () => {
    expect(Object.keys(KIND.sha256 ?? {}).sort()).toEqual([
      "darwin-amd64",
      "darwin-arm64",
      "linux-amd64",
      "linux-arm64",
    ]);
    for (const hex of Object.values(KIND.sha256!)) expect(hex).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a download whose checksum does not match, and keeps nothing", async () => {
    const d = servedFiles({ ...files, [KIND.url(platform)]: `${bytes}tampered\n` });
    const cacheDir = join(dir, "cache");
    await expect(
      resolveTool(spec, { usePath: false, download: d.download, cacheDir, platform }),
    ).rejects.toThrow(
      `kind v0.29.0: checksum mismatch for ${KIND.url(platform)}: expected sha256 ${hash}, got`,
    );
    await expect(stat(join(cacheDir, "kind", "v0.29.0", "kind"))).rejects.toThrow("ENOENT");
  });

  it("refuses a tool with neither a pinned nor a published sha256, and keeps nothing", async () => {
    const unchecked: ToolSpec = { ...spec, checksumUrl: undefined };
    const d = servedFiles(files);
    const cacheDir = join(dir, "cache");
    await expect(
      resolveTool(unchecked, { usePath: false, download: d.download, cacheDir, platform }),
    ).rejects.toThrow(
      "kind v0.29.0: no pinned sha256 and no published checksum to check it against; pin one in src/tools/pinned.ts",
    );
    await expect(stat(join(cacheDir, "kind", "v0.29.0", "kind"))).rejects.toThrow("ENOENT");
  });

  it("refuses a version that is not a version", async () => {
    await expect(
      resolveTool({ ...spec, version: "v1; curl x" }, { usePath: false }),
    ).rejects.toThrow('kind version: "v1; curl x" is not allowed');
  });
});

describe("kubeconfig", () => {
  it("adopts a cluster from kubeconfig content, writes it 0600, removes only its copy", async () => {
    const provider = kubeconfigProvider({ content: fake.kubeconfig });
    const info = await provider.create();
    expect(info.name).toBe("fake");
    expect(info.nodes).toHaveLength(4);
    expect((await stat(info.kubeconfigPath)).mode & 0o777).toBe(0o600);
    expect(await provider.describeNodes()).toEqual(info.nodes);
    await provider.destroy();
    await provider.destroy();
    await expect(stat(info.kubeconfigPath)).rejects.toThrow("ENOENT");
    expect(fake.store.list(resourceOf("nodes"))).toHaveLength(4);
  });

  it("merges the files of a multi-file KUBECONFIG, as kubectl does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-kubeconfigs-"));
    // The credentials in one file, the cluster and context in another (a common split).
    const users = join(dir, "users");
    const clusters = join(dir, "clusters");
    await writeFile(
      users,
      "apiVersion: v1\nkind: Config\ncurrent-context: fake\nusers:\n- name: fake\n  user: { token: fake-token }\n",
    );
    await writeFile(
      clusters,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster: { server: "${fake.url}", insecure-skip-tls-verify: true }\ncontexts:\n- name: fake\n  context: { cluster: fake, user: fake }\n`,
    );
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = `${users}:${clusters}`;
    try {
      const provider = kubeconfigProvider({});
      const info = await provider.create();
      expect(info.name).toBe("fake");
      expect(info.nodes).toHaveLength(4);
      // One file the mesh CLIs and the platform can be given: the merge, private.
      expect((await stat(info.kubeconfigPath)).mode & 0o777).toBe(0o600);
      await provider.destroy();
      await expect(stat(info.kubeconfigPath)).rejects.toThrow("ENOENT");
      await expect(stat(users)).resolves.toBeDefined();
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it("takes a path and a context, and names the contexts there are when one is missing", async () => {
    const info = await kubeconfigProvider({ path: fake.kubeconfigPath, context: "fake" }).create();
    expect(info.kubeconfigPath).toBe(fake.kubeconfigPath);
    await expect(
      kubeconfigProvider({ path: fake.kubeconfigPath, context: "prod" }).create(),
    ).rejects.toThrow('kubeconfig context "prod" does not exist; contexts: fake');
  });
});
