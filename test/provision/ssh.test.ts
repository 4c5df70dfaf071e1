// Building a cluster over SSH, against a real OpenSSH server on loopback (127.0.0.1–3 stand
// for three hosts) with the real ssh2 client: host keys pinned or recorded on first
// contact, a changed key refused; k3s installed with the installer replaced by a recording
// script (what it was run with, as which role, with which token); the kubeconfig fetched
// and pointed at a fake API server, nodes labelled, metrics-server installed; workers
// rebooted (the "reboot" kills sshd and changes the boot id; the harness brings sshd back
// and has the fake nodes report the new boot).
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildK3sCluster, type K3sClusterOptions } from "../../src/provision/ssh/cluster.ts";
import { connectSsh, waitForSsh } from "../../src/provision/ssh/connection.ts";
import {
  fingerprint,
  HostKeyMismatchError,
  KnownHosts,
  parseKeyLine,
  parsePins,
} from "../../src/provision/ssh/host-keys.ts";
import type { Host } from "../../src/provision/ssh/hosts.ts";
import { agentArgs, checkK3sVersion, serverArgs } from "../../src/provision/ssh/k3s.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../helpers/fake-kube/index.ts";
import { taggedInstaller } from "../helpers/k3s-installer.ts";
import { METRICS_SERVER_MANIFEST } from "../helpers/metrics-server.ts";
import { type Sshd, startSshd } from "../helpers/sshd.ts";

const ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
const OTHER_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl other";

/** Stands in for the k3s installer: records how it was run, and writes the kubeconfig a server would. */
function recordingInstaller(records: string, kubeconfig: string): string {
  return `#!/bin/sh
# meshbench test installer
set -eu
host=$(echo "$SSH_CONNECTION" | cut -d' ' -f3)
rec="${records}/install-$host"
{
  echo "host=$host"
  echo "version=\${INSTALL_K3S_VERSION:-}"
  for a in "$@"; do echo "arg=$a"; done
} > "$rec"
for a in "$@"; do
  case "$a" in
    --token-file=*) f="\${a#--token-file=}"; echo "token=$(cat "$f")" >> "$rec"; echo "token-mode=$(stat -c %a "$f")" >> "$rec" ;;
    --write-kubeconfig=*) cp "${kubeconfig}" "\${a#--write-kubeconfig=}"; chmod 600 "\${a#--write-kubeconfig=}" ;;
  esac
done
echo "[INFO]  k3s recorded"
`;
}

type InstallRecord = {
  host: string;
  version: string;
  args: string[];
  token: string;
  tokenMode: string;
};
async function records(dir: string): Promise<Map<string, InstallRecord>> {
  const out = new Map<string, InstallRecord>();
  for (const name of (await readdir(dir)).filter((n) => n.startsWith("install-"))) {
    const r: InstallRecord = { host: "", version: "", args: [], token: "", tokenMode: "" };
    for (const line of (await readFile(join(dir, name), "utf8")).trim().split("\n")) {
      const [k, ...v] = line.split("=");
      const value = v.join("=");
      if (k === "arg") r.args.push(value);
      else if (k === "host") r.host = value;
      else if (k === "version") r.version = value;
      else if (k === "token") r.token = value;
      else if (k === "token-mode") r.tokenMode = value;
    }
    out.set(r.host, r);
  }
  return out;
}

const hosts = (port: number, user: string): Host[] => [
  {
    address: "127.0.0.1",
    port,
    user,
    role: "control-plane",
    name: "control-plane-1",
    labels: {},
    hostKeys: [],
  },
  {
    address: "127.0.0.2",
    port,
    user,
    role: "worker",
    name: "worker-1",
    labels: { "meshbench.io/pool": "apps" },
    hostKeys: [],
  },
  {
    address: "127.0.0.3",
    port,
    user,
    role: "worker",
    name: "worker-2",
    labels: { "meshbench.io/pool": "loadgen", "node.kubernetes.io/instance-type": "m5.metal" },
    hostKeys: [],
  },
];

let sshd: Sshd;
let dir: string;
beforeAll(async () => {
  sshd = await startSshd({ addresses: ADDRESSES });
});
afterAll(async () => {
  await sshd?.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "meshbench-ssh-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const target = (address = "127.0.0.1") => ({
  address,
  port: sshd.port,
  user: sshd.user,
  name: "node-a",
});

describe("SSH host keys", () => {
  it("records the host key on first contact, then accepts it and refuses any other", async () => {
    const knownHosts = new KnownHosts(join(dir, "known_hosts"));
    const s = await connectSsh(target(), {
      privateKey: sshd.privateKey,
      hostKeys: { pins: [], knownHosts },
    });
    expect((await s.run("say hello", "echo hello")).trim()).toBe("hello");
    s.close();
    const [type, data] = sshd.hostKey.split(" ");
    expect(await readFile(knownHosts.path, "utf8")).toBe(
      `[127.0.0.1]:${sshd.port} ${type} ${data}\n`,
    );
    expect((await stat(knownHosts.path)).mode & 0o777).toBe(0o600);

    // Second contact: the recorded key is shown again, accepted, nothing added.
    (
      await connectSsh(target(), {
        privateKey: sshd.privateKey,
        hostKeys: { pins: [], knownHosts },
      })
    ).close();
    expect((await readFile(knownHosts.path, "utf8")).split("\n")).toHaveLength(2);

    // The host now shows another key than the one recorded: refused, with what to do.
    await writeFile(knownHosts.path, `[127.0.0.1]:${sshd.port} ${OTHER_KEY}\n`);
    const refused = connectSsh(target(), {
      privateKey: sshd.privateKey,
      hostKeys: { pins: [], knownHosts },
    });
    await expect(refused).rejects.toThrow(HostKeyMismatchError);
    await expect(refused).rejects.toThrow(
      `SSH host key of node-a (127.0.0.1:${sshd.port}) changed: ${knownHosts.path} recorded ssh-ed25519 ${fingerprint(parseKeyLine(OTHER_KEY)!.blob)} at first contact, the server now shows ssh-ed25519 ${fingerprint(parseKeyLine(sshd.hostKey)!.blob)}`,
    );
    await expect(refused).rejects.toThrow(
      `If it was reinstalled on purpose, delete the line for [127.0.0.1]:${sshd.port} from ${knownHosts.path}`,
    );
  });

  it("checks pinned keys (a key line or a fingerprint) and refuses a host that does not match", async () => {
    const knownHosts = new KnownHosts(join(dir, "known_hosts"));
    const fp = fingerprint(parseKeyLine(sshd.hostKey)!.blob);
    for (const pin of [sshd.hostKey, fp]) {
      const s = await connectSsh(target("127.0.0.2"), {
        privateKey: sshd.privateKey,
        hostKeys: { pins: parsePins([pin], "hosts[1].host_keys"), knownHosts },
      });
      s.close();
    }
    // Pinned hosts are never recorded: the pin is the truth.
    await expect(stat(knownHosts.path)).rejects.toThrow("ENOENT");

    const refused = waitForSsh(target("127.0.0.2"), {
      privateKey: sshd.privateKey,
      hostKeys: {
        pins: parsePins([OTHER_KEY], "hosts[1].host_keys"),
        knownHosts,
        pinSource: "the module's output hosts[1].host_keys",
      },
      timeoutMs: 20_000,
    });
    // A mismatch is final: waitForSsh does not retry it for 20 s.
    const started = Date.now();
    await expect(refused).rejects.toThrow(
      `SSH host key of node-a (127.0.0.2:${sshd.port}) does not match the key pinned by the module's output hosts[1].host_keys: pinned ${fingerprint(parseKeyLine(OTHER_KEY)!.blob)}, the server showed ssh-ed25519 ${fp}. meshbench refuses to connect`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(() => parsePins(["ssh-ed25519 not-base64!"], "hosts[0].host_keys")).toThrow(
      'hosts[0].host_keys[0]: "ssh-ed25519 not-base64!" is not a host key; allowed: an OpenSSH public key line',
    );
  });

  it("says which key was refused, and gives up on a port nobody listens on", async () => {
    const knownHosts = new KnownHosts(join(dir, "known_hosts"));
    const wrongKey = (await readFile(join(sshd.dir, "host_ed25519"), "utf8")).toString();
    await expect(
      connectSsh(target(), { privateKey: wrongKey, hostKeys: { pins: [], knownHosts } }),
    ).rejects.toThrow(
      `SSH to node-a (127.0.0.1:${sshd.port}): the server refused the private key for user ${sshd.user}`,
    );
    const closed = { ...target(), port: 1 };
    await expect(
      waitForSsh(closed, {
        privateKey: sshd.privateKey,
        hostKeys: { pins: [], knownHosts },
        timeoutMs: 600,
        pollMs: 200,
      }),
    ).rejects.toThrow(
      /node-a \(127\.0\.0\.1:1\) did not accept SSH within 1s \(\d+ attempts\); last: SSH to node-a \(127\.0\.0\.1:1\): connection refused/,
    );
  });
});

describe("k3s over SSH", () => {
  let fake: FakeKube;
  beforeEach(async () => {
    fake = await startFakeKube({
      nodes: [{ name: "control-plane-1" }, { name: "worker-1" }, { name: "worker-2" }],
      readyAfterMs: 10,
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  const options = (extra: Partial<K3sClusterOptions> = {}): K3sClusterOptions => ({
    hosts: hosts(sshd.port, sshd.user),
    privateKey: sshd.privateKey,
    knownHostsPath: join(dir, "known_hosts"),
    k3sVersion: "v1.33.1+k3s1",
    kubeconfigPath: join(dir, "kubeconfig"),
    name: "meshbench-mb-test",
    installer: taggedInstaller(recordingInstaller(dir, fake.kubeconfigPath)),
    layout: { dir: join(dir, "remote"), kubeconfigPath: join(dir, "remote", "k3s.yaml") },
    apiServerUrl: () => fake.url,
    metricsServerManifest: METRICS_SERVER_MANIFEST,
    pollMs: 100,
    timeouts: { sshMs: 10_000, kubeconfigMs: 10_000, nodesMs: 10_000, metricsServerMs: 10_000 },
    ...extra,
  });

  it("installs the server then the workers at the pinned version, without Traefik or ServiceLB", async () => {
    const cluster = await buildK3sCluster(options());

    const r = await records(dir);
    expect([...r.keys()].sort()).toEqual(ADDRESSES);
    const server = r.get("127.0.0.1")!;
    const tokenFile = join(dir, "remote", "k3s-token");
    expect(server.version).toBe("v1.33.1+k3s1");
    expect(server.args).toEqual([
      "server",
      `--token-file=${tokenFile}`,
      "--disable=traefik",
      "--disable=servicelb",
      "--disable=metrics-server",
      `--write-kubeconfig=${join(dir, "remote", "k3s.yaml")}`,
      "--write-kubeconfig-mode=0600",
      "--node-name=control-plane-1",
      "--node-ip=127.0.0.1",
      "--tls-san=127.0.0.1",
      "--node-taint=node-role.kubernetes.io/control-plane:NoSchedule",
    ]);
    for (const [address, name] of [
      ["127.0.0.2", "worker-1"],
      ["127.0.0.3", "worker-2"],
    ] as const) {
      const w = r.get(address)!;
      expect(w.version).toBe("v1.33.1+k3s1");
      expect(w.args).toEqual([
        "agent",
        "--server=https://127.0.0.1:6443",
        `--token-file=${tokenFile}`,
        `--node-name=${name}`,
        `--node-ip=${address}`,
      ]);
      // One join token for all, the server's, from a file only its owner reads.
      expect(w.token).toBe(server.token);
    }
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.tokenMode).toBe("600");

    // The kubeconfig: 0600, pointing at the API server's reachable address, named for the run.
    expect((await stat(cluster.kubeconfigPath)).mode & 0o777).toBe(0o600);
    const kc = parse(await readFile(cluster.kubeconfigPath, "utf8"));
    expect(kc["current-context"]).toBe("meshbench-mb-test");
    expect(kc.clusters[0].cluster.server).toBe(fake.url);
    expect(kc.users[0].user).toEqual({ token: "fake-token" });

    // Every host pinned on first contact.
    const known = await readFile(join(dir, "known_hosts"), "utf8");
    for (const a of ADDRESSES) expect(known).toContain(`[${a}]:${sshd.port} ssh-ed25519 `);

    const node = (name: string) => fake.store.get(resourceOf("nodes"), undefined, name)!;
    expect(node("worker-1").metadata.labels?.["meshbench.io/pool"]).toBe("apps");
    expect(node("worker-2").metadata.labels).toMatchObject({
      "meshbench.io/pool": "loadgen",
      "node.kubernetes.io/instance-type": "m5.metal",
    });
    expect(cluster.nodes.map((n) => n.name).sort()).toEqual([
      "control-plane-1",
      "worker-1",
      "worker-2",
    ]);
    const ms = fake.store.get(resourceOf("deployments", "apps"), "kube-system", "metrics-server")!;
    expect(ms.spec.template.spec.containers[0].args).toContain("--kubelet-insecure-tls");
  });

  it("joins over private addresses, and passes only IP addresses as node IPs", () => {
    const settings = {
      version: "v1.33.1+k3s1",
      tokenFile: "/home/u/.meshbench/k3s-token",
      kubeconfigPath: "/etc/rancher/k3s/k3s.yaml",
      taintControlPlane: false,
    };
    const host = (address: string, privateAddress?: string): Host => ({
      address,
      ...(privateAddress ? { privateAddress } : {}),
      port: 22,
      user: "ubuntu",
      role: "control-plane",
      name: "control-plane-1",
      labels: {},
      hostKeys: [],
    });
    const cp = host("203.0.113.5", "10.100.0.5");
    expect(serverArgs(cp, settings).filter((a) => /node-|tls-san/.test(a))).toEqual([
      "--node-name=control-plane-1",
      "--node-ip=10.100.0.5",
      "--node-external-ip=203.0.113.5",
      "--tls-san=203.0.113.5",
      "--tls-san=10.100.0.5",
    ]);
    const worker = {
      ...host("203.0.113.6", "10.100.0.6"),
      role: "worker" as const,
      name: "worker-1",
    };
    expect(agentArgs(worker, cp, settings)).toEqual([
      "agent",
      "--server=https://10.100.0.5:6443",
      "--token-file=/home/u/.meshbench/k3s-token",
      "--node-name=worker-1",
      "--node-ip=10.100.0.6",
      "--node-external-ip=203.0.113.6",
    ]);
    // A DNS name: k3s finds the node IP itself; the certificate still names it.
    expect(
      serverArgs(host("cp.bench.example"), settings).filter((a) => /node-ip|tls-san/.test(a)),
    ).toEqual(["--tls-san=cp.bench.example"]);
    expect(agentArgs(worker, host("2001:db8::1"), settings)[1]).toBe(
      "--server=https://[2001:db8::1]:6443",
    );
  });

  it("refuses a k3s version that is not a release, and a host set without one control plane", async () => {
    expect(() => checkK3sVersion("k3sVersion", "v1.33.1; curl x | sh")).toThrow(
      'k3sVersion: "v1.33.1; curl x | sh" is not allowed; allowed: a k3s release such as v1.33.1+k3s1',
    );
    await expect(buildK3sCluster(options({ k3sVersion: "latest" }))).rejects.toThrow(
      'k3sVersion: "latest" is not allowed',
    );
    const two = hosts(sshd.port, sshd.user).map((h) => ({ ...h, role: "control-plane" as const }));
    await expect(buildK3sCluster(options({ hosts: two }))).rejects.toThrow(
      "hosts: needs exactly one host with role control-plane, has 3",
    );
  });

  it("refuses to install on a host whose key does not match its pin", async () => {
    const pinned = hosts(sshd.port, sshd.user);
    pinned[2]!.hostKeys = [OTHER_KEY];
    await expect(buildK3sCluster(options({ hosts: pinned }))).rejects.toThrow(
      "SSH host key of worker-2 (127.0.0.3:",
    );
    // Nothing was installed anywhere with an unverified host in the set.
    expect([...(await records(dir)).keys()]).toEqual([]);
  });
});

describe("reboot before benchmarking", () => {
  let fake: FakeKube;
  let rebootable: Sshd;
  let stopping = false;
  let sync: ReturnType<typeof setInterval>;

  beforeEach(async () => {
    stopping = false;
    rebootable = await startSshd({ addresses: ADDRESSES });
    fake = await startFakeKube({
      nodes: [{ name: "control-plane-1" }, { name: "worker-1" }, { name: "worker-2" }],
      readyAfterMs: 10,
    });
    // Each host's boot id in a file; a fake kubelet reports it as its node's nodeInfo.bootID.
    const names: Record<string, string> = {
      "127.0.0.1": "control-plane-1",
      "127.0.0.2": "worker-1",
      "127.0.0.3": "worker-2",
    };
    for (const a of ADDRESSES) await writeFile(join(dir, `boot-${a}`), `${crypto.randomUUID()}\n`);
    const report = async () => {
      for (const [a, name] of Object.entries(names)) {
        const id = (await readFile(join(dir, `boot-${a}`), "utf8").catch(() => "")).trim();
        const node = fake.store.get(resourceOf("nodes"), undefined, name);
        if (node && id && node.status.nodeInfo.bootID !== id) {
          node.status.nodeInfo.bootID = id;
          fake.store.put(resourceOf("nodes"), node);
        }
      }
    };
    await report();
    sync = setInterval(() => void report(), 50);
    // A killed sshd is a host going down: bring it back a moment later, as often as it happens.
    const comeBack = () =>
      void rebootable.exited().then(async () => {
        if (stopping) return;
        await new Promise((r) => setTimeout(r, 300));
        if (stopping) return;
        await rebootable.restart();
        comeBack();
      });
    comeBack();
  });
  afterEach(async () => {
    stopping = true;
    clearInterval(sync);
    await rebootable.stop();
    await fake.close();
  });

  /** A cluster of the rebootable hosts built with reboot on, booting as the commands say. */
  const rebooting = (bootIdCommand: string, rebootCommand: string, rebootMs: number) => ({
    hosts: hosts(rebootable.port, rebootable.user),
    privateKey: rebootable.privateKey,
    knownHostsPath: join(dir, "known_hosts"),
    k3sVersion: "v1.33.1+k3s1",
    kubeconfigPath: join(dir, "kubeconfig"),
    name: "meshbench-reboot",
    installer: taggedInstaller(recordingInstaller(dir, fake.kubeconfigPath)),
    layout: {
      dir: join(dir, "remote"),
      kubeconfigPath: join(dir, "remote", "k3s.yaml"),
      bootIdCommand,
      rebootCommand,
    },
    metricsServer: false,
    reboot: true,
    apiServerUrl: () => fake.url,
    pollMs: 100,
    timeouts: { sshMs: 10_000, kubeconfigMs: 10_000, nodesMs: 10_000, rebootMs },
  });

  it("reboots every worker, and waits for SSH with a new boot id and the node Ready on it", async () => {
    const before = await Promise.all(
      ADDRESSES.map(async (a) => (await readFile(join(dir, `boot-${a}`), "utf8")).trim()),
    );
    const bootFile = `${dir}/boot-$(echo "$SSH_CONNECTION" | cut -d' ' -f3)`;
    const logs: string[] = [];
    await buildK3sCluster({
      ...rebooting(
        `cat "${bootFile}"`,
        // "Reboot": a new boot id, and sshd goes away (the harness restarts it).
        `cat /proc/sys/kernel/random/uuid > "${bootFile}"; kill "$(cat ${rebootable.pidFile})" 2>/dev/null; true`,
        30_000,
      ),
      log: (l) => logs.push(l),
    });
    const after = await Promise.all(
      ADDRESSES.map(async (a) => (await readFile(join(dir, `boot-${a}`), "utf8")).trim()),
    );
    expect(after[0]).toBe(before[0]); // the control plane is not rebooted
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(logs).toContain(`worker-1 (127.0.0.2:${rebootable.port}) is back and Ready`);
    expect(logs).toContain(`worker-2 (127.0.0.3:${rebootable.port}) is back and Ready`);
  });

  it("fails naming the worker that never comes back with a new boot", async () => {
    await expect(
      // The host ignores the reboot.
      buildK3sCluster(rebooting(`cat "${dir}/boot-127.0.0.1"`, "true", 1_500)),
    ).rejects.toThrow(
      /reboot before benchmarking failed:\n {2}worker-1 \(127\.0\.0\.2:\d+\) did not come back with a new boot within 2s of its reboot[^\n]*\n {2}worker-2 \(127\.0\.0\.3:\d+\)/,
    );
  });
});
