// k3s, installed over SSH with its official installer: a server on the control-plane host,
// agents on the workers, at one pinned version. The bundled parts that would add noise to a
// benchmark are disabled (Traefik, ServiceLB), and so is k3s's own metrics-server, replaced
// by the same pinned metrics-server the kind provider installs, so that resource figures
// come from the same collector everywhere. The join token is made here and written to a
// 0600 file on each host (--token-file): it never appears on a command line.
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { parse, stringify } from "yaml";
import { ValueError } from "../../kube/names.ts";
import type { SshSession } from "./connection.ts";
import { describeHost, type Host } from "./hosts.ts";
import { shellCommand, shellQuote } from "./shell.ts";

/** A k3s release: v1.33.1+k3s1, v1.34.0-rc1+k3s1. */
export const K3S_VERSION = /^v\d+\.\d+\.\d+(-rc\d+)?\+k3s\d+$/;
/** Kubernetes 1.33, as the pinned kubectl and kind node images. */
export const DEFAULT_K3S_VERSION = "v1.33.1+k3s1";
/**
 * The installer as tagged with the release (get.k3s.io serves whatever is newest), and the
 * checksum file k3s commits beside it at every tag (install.sh.sha256sum, since
 * late 2023): the installer runs only if its sha256 is the one its own tag
 * states. The residual: both come from the same tag, so this catches a moved get.k3s.io,
 * a truncated or altered download or a wrong tag, not a rewritten tag (README, "Trust model").
 */
export const k3sInstallerUrl = (version: string) =>
  `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(version)}/install.sh`;
export const k3sInstallerSumUrl = (version: string) => `${k3sInstallerUrl(version)}.sha256sum`;
/** Bundled components left out: an ingress, a load balancer, and the unpinned metrics-server. */
export const K3S_DISABLED = ["traefik", "servicelb", "metrics-server"] as const;
export const CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane:NoSchedule";
/**
 * How pod traffic crosses between nodes (k3s --flannel-backend). vxlan, k3s's default, is
 * neither encrypted nor authenticated: fine on a private network, not across public
 * addresses, where wireguard-native (UDP 51820, keys per node) is the choice.
 */
export const FLANNEL_BACKENDS = ["vxlan", "wireguard-native"] as const;
export type FlannelBackend = (typeof FLANNEL_BACKENDS)[number];

export function checkFlannelBackend(field: string, value: unknown): FlannelBackend {
  if (typeof value === "string" && (FLANNEL_BACKENDS as readonly string[]).includes(value))
    return value as FlannelBackend;
  throw new ValueError(
    `${field}: ${JSON.stringify(value)} is not allowed; allowed: ${FLANNEL_BACKENDS.join(", ")} (wireguard-native when the nodes talk over public addresses)`,
  );
}

export function checkK3sVersion(field: string, value: unknown): string {
  if (typeof value === "string" && K3S_VERSION.test(value)) return value;
  throw new ValueError(
    `${field}: ${JSON.stringify(value)} is not allowed; allowed: a k3s release such as ${DEFAULT_K3S_VERSION} (https://github.com/k3s-io/k3s/releases)`,
  );
}

/** Fetches the text at `url` (the installer, its checksum file). */
export async function downloadK3sInstaller(url: string): Promise<string> {
  const response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`k3s installer ${url}: HTTP ${response.status}`);
  return response.text();
}

/** The installer's sha256 as `version`'s tag states it (its install.sh.sha256sum). */
export async function publishedInstallerSha256(
  version: string,
  fetchText: (url: string) => Promise<string>,
): Promise<string> {
  const url = k3sInstallerSumUrl(version);
  const text = await fetchText(url).catch((e: Error) => {
    throw new Error(
      `k3s ${version}: cannot read the installer's checksum ${url} (${e.message}); k3s has published it beside the installer since late 2023: use a newer k3sVersion`,
    );
  });
  const hex = /^([0-9a-f]{64})\s+install\.sh\s*$/m.exec(text)?.[1];
  if (!hex) throw new Error(`k3s ${version}: ${url} holds no sha256 for install.sh`);
  return hex;
}

/** `text` if it is the installer its tag states: a shell script with the sha256 `expected`. */
export function checkK3sInstaller(text: string, url: string, expected: string): string {
  if (!text.startsWith("#!/bin/sh"))
    throw new Error(
      `k3s installer ${url}: not a shell script (starts ${JSON.stringify(text.slice(0, 20))})`,
    );
  const actual = createHash("sha256").update(text).digest("hex");
  if (actual !== expected)
    throw new Error(
      `k3s installer ${url}: checksum mismatch: expected sha256 ${expected}, got ${actual}`,
    );
  return text;
}

/**
 * Where things are on a host. The defaults are a real Linux machine's; tests point them at a
 * scratch directory.
 */
export interface HostLayout {
  /**
   * meshbench's directory on each host (the join token); relative to the login's home unless
   * absolute.
   */
  dir: string;
  /** Where the k3s server writes its admin kubeconfig (root only, 0600). */
  kubeconfigPath: string;
  /** Schedules a reboot and returns at once (the connection drops when the host goes down). */
  rebootCommand: string;
  /**
   * Prints the kernel's boot id, which a reboot changes and the kubelet reports as nodeInfo.bootID.
   */
  bootIdCommand: string;
}

export const DEFAULT_LAYOUT: HostLayout = {
  dir: ".meshbench",
  kubeconfigPath: "/etc/rancher/k3s/k3s.yaml",
  rebootCommand:
    'if [ "$(id -u)" -ne 0 ]; then sudo -n true || exit 1; S="sudo -n"; else S=; fi; ' +
    "$S nohup sh -c 'sleep 2; systemctl reboot' </dev/null >/dev/null 2>&1 &",
  bootIdCommand: "cat /proc/sys/kernel/random/boot_id",
};

const urlHost = (address: string) => (isIP(address) === 6 ? `[${address}]` : address);

export function apiUrl(address: string, port = 6443): string {
  return `https://${urlHost(address)}:${port}`;
}

export interface K3sSettings {
  version: string;
  /** Absolute path of the join-token file on the hosts. */
  tokenFile: string;
  kubeconfigPath: string;
  /** Keep workloads off the control plane (when there are workers to take them). */
  taintControlPlane: boolean;
  apiPort?: number;
  /** Default vxlan (k3s's own default, left unsaid on the command line). */
  flannelBackend?: FlannelBackend;
}

/** --node-ip and --node-external-ip take IP addresses; a DNS name is left to k3s to resolve. */
function nodeAddressArgs(h: Host): string[] {
  const ip = (a: string | undefined) => (a && isIP(a) !== 0 ? a : undefined);
  const internal = ip(h.privateAddress) ?? (h.privateAddress ? undefined : ip(h.address));
  const external = h.privateAddress ? ip(h.address) : undefined;
  return [
    ...(internal ? [`--node-ip=${internal}`] : []),
    ...(external ? [`--node-external-ip=${external}`] : []),
  ];
}

/** The installer's arguments for the control plane (`sh -s - server …`). */
export function serverArgs(host: Host, s: K3sSettings): string[] {
  return [
    "server",
    `--token-file=${s.tokenFile}`,
    ...K3S_DISABLED.map((c) => `--disable=${c}`),
    `--write-kubeconfig=${s.kubeconfigPath}`,
    "--write-kubeconfig-mode=0600",
    `--node-name=${host.name}`,
    ...nodeAddressArgs(host),
    // The API server's certificate must be valid for the address meshbench reaches it at.
    ...[host.address, host.privateAddress]
      .filter((a): a is string => !!a)
      .map((a) => `--tls-san=${a}`),
    ...(s.apiPort && s.apiPort !== 6443 ? [`--https-listen-port=${s.apiPort}`] : []),
    ...(s.taintControlPlane ? [`--node-taint=${CONTROL_PLANE_TAINT}`] : []),
    // A server setting: the agents take it from the server when they join.
    ...(s.flannelBackend && s.flannelBackend !== "vxlan"
      ? [`--flannel-backend=${s.flannelBackend}`]
      : []),
  ];
}

/**
 * The installer's arguments for a worker, joining the control plane over its private address if
 * any.
 */
export function agentArgs(host: Host, controlPlane: Host, s: K3sSettings): string[] {
  return [
    "agent",
    `--server=${apiUrl(controlPlane.privateAddress ?? controlPlane.address, s.apiPort)}`,
    `--token-file=${s.tokenFile}`,
    `--node-name=${host.name}`,
    ...nodeAddressArgs(host),
  ];
}

/** The absolute directory for meshbench's files on this host. */
export async function remoteDir(session: SshSession, dir: string): Promise<string> {
  if (dir.startsWith("/")) return dir;
  const home = (await session.run("read $HOME", 'printf "%s" "$HOME"')).trim();
  if (!/^\/[A-Za-z0-9._/-]*$/.test(home))
    throw new Error(
      `${describeHost(session.host)}: unusable home directory ${JSON.stringify(home)}`,
    );
  return `${home.replace(/\/$/, "")}/${dir}`;
}

/** Waits for cloud-init to finish first: it may still be creating users or holding apt's lock. */
export async function waitForCloudInit(session: SshSession, timeoutMs = 900_000): Promise<void> {
  await session.exec(
    "if command -v cloud-init >/dev/null 2>&1; then cloud-init status --wait >/dev/null 2>&1; fi; true",
    { timeoutMs },
  );
}

/** Writes the join token (0600, in a 0700 directory), then runs the installer with `args`. */
export async function installK3s(
  session: SshSession,
  options: {
    installer: string;
    token: string;
    settings: K3sSettings;
    args: string[];
    timeoutMs?: number;
  },
): Promise<void> {
  const { tokenFile, version } = options.settings;
  const dir = tokenFile.slice(0, tokenFile.lastIndexOf("/")) || "/";
  await session.run(
    "write the join token",
    `umask 077 && mkdir -p ${shellQuote(dir)} && cat > ${shellQuote(tokenFile)}`,
    { stdin: `${options.token}\n` },
  );
  await session.run(
    `install k3s ${version} (${options.args[0]})`,
    `env INSTALL_K3S_VERSION=${shellQuote(version)} sh -s - ${shellCommand(options.args)}`,
    { stdin: options.installer, timeoutMs: options.timeoutMs ?? 900_000 },
  );
}

/**
 * The server's admin kubeconfig, once k3s has written it (a few seconds after it starts).
 * Read as root when the login cannot read it; the content is a secret and is not logged.
 */
export async function readKubeconfig(
  session: SshSession,
  path: string,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<string> {
  const p = shellQuote(path);
  const command = `if [ -r ${p} ]; then cat ${p}; elif [ "$(id -u)" -ne 0 ] && sudo -n test -r ${p} 2>/dev/null; then sudo -n cat ${p}; else exit 3; fi`;
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const r = await session.exec(command, { timeoutMs: 60_000 });
    if (r.code === 0 && r.stdout.includes("clusters")) return r.stdout;
    if (r.code !== 3 && r.code !== 0)
      throw new Error(
        `${describeHost(session.host)}: reading ${path} failed: exit ${r.code} ${r.stderr.trim()}`,
      );
    if (Date.now() > deadline)
      throw new Error(
        `${describeHost(session.host)}: k3s wrote no kubeconfig at ${path} within ${Math.round((options.timeoutMs ?? 300_000) / 1000)}s; see "journalctl -u k3s" on that host`,
      );
    await new Promise((r) => setTimeout(r, options.pollMs ?? 3_000));
  }
}

/**
 * The kubeconfig pointed at `server` (k3s writes https://127.0.0.1:6443), its names made `name`.
 */
export function rewriteKubeconfig(text: string, server: string, name: string): string {
  const config = parse(text) as {
    clusters?: { name: string; cluster: Record<string, unknown> }[];
    users?: { name: string; user: unknown }[];
    contexts?: { name: string; context: Record<string, unknown> }[];
  };
  if (!config.clusters?.length || !config.users?.length)
    throw new Error("the kubeconfig k3s wrote has no cluster or user in it");
  const out = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { ...config.clusters[0]!.cluster, server } }],
    users: [{ name, user: config.users[0]!.user }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    preferences: {},
  };
  return stringify(out);
}
