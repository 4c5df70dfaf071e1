// A Kubernetes cluster from bare hosts, over SSH: k3s on the control plane, its kubeconfig
// fetched and pointed at the host's reachable address, the workers joined, every node
// Ready and labelled, metrics-server installed, and (optionally) the workers rebooted so
// that a benchmark starts on freshly booted machines, as the 2019 study did.
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { applyUnlabelled } from "../../kube/apply.ts";
import { connect } from "../../kube/client.ts";
import type { ImageMirrors } from "../../scenario/load.ts";
import { metricsServerObjects, waitForMetricsServer } from "../kind.ts";
import { METRICS_SERVER_MANIFEST } from "../metrics-server-manifest.ts";
import { type NodeSummary, summarizeNode } from "../provider.ts";
import { type SshSession, waitForSsh } from "./connection.ts";
import { KnownHosts, parsePins } from "./host-keys.ts";
import { checkHostSet, describeHost, type Host } from "./hosts.ts";
import {
  agentArgs,
  apiUrl,
  checkK3sInstaller,
  checkK3sVersion,
  DEFAULT_LAYOUT,
  downloadK3sInstaller,
  type FlannelBackend,
  type HostLayout,
  installK3s,
  type K3sSettings,
  k3sInstallerUrl,
  publishedInstallerSha256,
  readKubeconfig,
  remoteDir,
  rewriteKubeconfig,
  serverArgs,
  waitForCloudInit,
} from "./k3s.ts";
import { labelNodes, waitForNodes } from "./nodes.ts";
import { rebootWorkers } from "./reboot.ts";

export interface K3sTimeouts {
  /** For each host to accept SSH after creation (default 15 min). */
  sshMs: number;
  /** For the installer on one host (default 15 min). */
  installMs: number;
  /** For the server to write its kubeconfig (default 5 min). */
  kubeconfigMs: number;
  /** For every node to be Ready (default 10 min). */
  nodesMs: number;
  /** Per worker, reboot to Ready (default 20 min). */
  rebootMs: number;
  /** For metrics-server to be available (default 5 min; only a warning when it is not). */
  metricsServerMs: number;
}

const DEFAULT_TIMEOUTS: K3sTimeouts = {
  sshMs: 900_000,
  installMs: 900_000,
  kubeconfigMs: 300_000,
  nodesMs: 600_000,
  rebootMs: 1_200_000,
  metricsServerMs: 300_000,
};

export interface K3sClusterOptions {
  hosts: Host[];
  /** The SSH private key the hosts accept (a secret: never logged). */
  privateKey: string;
  /** The known_hosts file for keys recorded on first contact (in the state directory). */
  knownHostsPath: string;
  k3sVersion: string;
  /** Pod traffic between nodes (default vxlan; wireguard-native over public addresses). */
  flannelBackend?: FlannelBackend;
  /** Where the kubeconfig is written (0600). */
  kubeconfigPath: string;
  /** The kubeconfig's cluster, user and context name. */
  name: string;
  /** Reboot every worker before returning (default false). */
  reboot?: boolean;
  /** Install metrics-server (default true). */
  metricsServer?: boolean;
  /** The scenario's cluster.images: metrics-server's image is pulled through them too. */
  images?: ImageMirrors;
  /**
   * Fetches the text at a URL of the release's tag (the installer, its install.sh.sha256sum);
   * default: downloadK3sInstaller.
   */
  installer?: (url: string) => Promise<string>;
  layout?: Partial<HostLayout>;
  /** The API server URL meshbench uses; default https://<control plane address>:6443. */
  apiServerUrl?: (controlPlane: Host) => string;
  /** The metrics-server manifest (default: the shipped release's, metrics-server-manifest.ts). */
  metricsServerManifest?: string;
  timeouts?: Partial<K3sTimeouts>;
  /** Between polls of SSH, files and nodes (default 5 s). */
  pollMs?: number;
  log?: (line: string) => void;
}

export interface K3sCluster {
  kubeconfigPath: string;
  nodes: NodeSummary[];
}

export async function buildK3sCluster(o: K3sClusterOptions): Promise<K3sCluster> {
  checkHostSet(o.hosts);
  const version = checkK3sVersion("k3sVersion", o.k3sVersion);
  const layout = { ...DEFAULT_LAYOUT, ...o.layout };
  const t = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
  const pollMs = o.pollMs ?? 5_000;
  const log = o.log ?? (() => {});
  const controlPlane = o.hosts.find((h) => h.role === "control-plane")!;
  const workers = o.hosts.filter((h) => h.role === "worker");
  const knownHosts = new KnownHosts(o.knownHostsPath);
  const pins = new Map(
    o.hosts.map((h, i) => [h, parsePins(h.hostKeys, `hosts[${i}].host_keys`)] as const),
  );
  const open = (host: Host, timeoutMs: number): Promise<SshSession> =>
    waitForSsh(host, {
      privateKey: o.privateKey,
      hostKeys: {
        pins: pins.get(host) ?? [],
        knownHosts,
        pinSource: `the module's output hosts[${o.hosts.indexOf(host)}].host_keys`,
      },
      timeoutMs,
      pollMs,
      log,
    });

  const installerUrl = k3sInstallerUrl(version);
  const fetchText = o.installer ?? downloadK3sInstaller;
  const installer = checkK3sInstaller(
    await fetchText(installerUrl),
    installerUrl,
    await publishedInstallerSha256(version, fetchText),
  );
  // The cluster's join token: made here, written 0600 on each host, never on a command line.
  const token = randomBytes(32).toString("hex");

  const sessions = new Map<Host, SshSession>();
  try {
    // Every host first (settled, so that none is left connected behind a failure), and
    // nothing installed unless all of them answered with the right host key.
    const opened = await Promise.allSettled(
      o.hosts.map(async (h) => {
        const s = await open(h, t.sshMs);
        sessions.set(h, s);
        await waitForCloudInit(s);
      }),
    );
    const failed = opened.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    const settingsFor = async (h: Host): Promise<K3sSettings> => ({
      version,
      tokenFile: `${await remoteDir(sessions.get(h)!, layout.dir)}/k3s-token`,
      kubeconfigPath: layout.kubeconfigPath,
      taintControlPlane: workers.length > 0,
      ...(o.flannelBackend ? { flannelBackend: o.flannelBackend } : {}),
    });

    log(`installing the k3s server on ${describeHost(controlPlane)}`);
    const cpSettings = await settingsFor(controlPlane);
    const cpSession = sessions.get(controlPlane)!;
    await installK3s(cpSession, {
      installer,
      token,
      settings: cpSettings,
      args: serverArgs(controlPlane, cpSettings),
      timeoutMs: t.installMs,
    });
    const raw = await readKubeconfig(cpSession, layout.kubeconfigPath, {
      timeoutMs: t.kubeconfigMs,
      pollMs,
    });
    const server = o.apiServerUrl?.(controlPlane) ?? apiUrl(controlPlane.address);
    await writeFile(o.kubeconfigPath, rewriteKubeconfig(raw, server, o.name), { mode: 0o600 });

    log(`joining ${workers.length} worker(s)`);
    await Promise.all(
      workers.map(async (w) => {
        const s = await settingsFor(w);
        await installK3s(sessions.get(w)!, {
          installer,
          token,
          settings: s,
          args: agentArgs(w, controlPlane, s),
          timeoutMs: t.installMs,
        });
      }),
    );
  } finally {
    for (const s of sessions.values()) s.close();
  }

  const kube = connect({ path: o.kubeconfigPath });
  await waitForNodes(
    kube,
    o.hosts.map((h) => h.name),
    { timeoutMs: t.nodesMs, pollMs },
  );
  await labelNodes(kube, o.hosts);
  if (o.metricsServer ?? true) {
    const manifest = o.metricsServerManifest ?? METRICS_SERVER_MANIFEST;
    await applyUnlabelled(kube, metricsServerObjects(manifest, o.images) as never[]);
    if (!(await waitForMetricsServer(kube, t.metricsServerMs)))
      log("metrics-server is not available yet; resource figures may be missing until it is");
  }
  if (o.reboot && workers.length) {
    await rebootWorkers(o.hosts, {
      kube,
      layout,
      connect: open,
      timeoutMs: t.rebootMs,
      pollMs,
      log,
    });
  }
  const nodes = (await kube.call("list nodes", () => kube.core.listNode())).items;
  return { kubeconfigPath: o.kubeconfigPath, nodes: nodes.map(summarizeNode) };
}
