// The machines a cluster is built from: where to reach each one over SSH, as whom, its role
// and node labels, and (optionally) its pinned host keys. They come from a Terraform
// module's `hosts` output (terraform/outputs.ts turns that into these); every value is
// checked here because addresses, users and names end up in remote command lines.
import { isIP } from "node:net";
import { checked, DNS_SUBDOMAIN, LABEL_KEY, LABEL_VALUE, ValueError } from "../../kube/names.ts";

export const HOST_ROLES = ["control-plane", "worker"] as const;
export type HostRole = (typeof HOST_ROLES)[number];

export interface Host {
  /** IP address or DNS name, reachable from where meshbench runs (SSH, then the API server). */
  address: string;
  /** SSH port (22 unless the module says otherwise). */
  port: number;
  /** Login user: root, or one with passwordless sudo. */
  user: string;
  role: HostRole;
  /** The Kubernetes node name (`control-plane-1`, `worker-1` … unless given). */
  name: string;
  /** Node labels applied once the node has joined. */
  labels: Record<string, string>;
  /** The address nodes use among themselves (a private network), when there is one. */
  privateAddress?: string;
  /** Pinned host keys: OpenSSH public key lines (`ssh-ed25519 AAAA…`) or `SHA256:` fingerprints. */
  hostKeys: string[];
}

/** A login name as useradd accepts it: no shell characters, no flags. */
export const SSH_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export function checkAddress(field: string, value: unknown): string {
  if (typeof value === "string" && (isIP(value) !== 0 || DNS_SUBDOMAIN.test(value))) return value;
  throw new ValueError(
    `${field}: ${JSON.stringify(value)} is not allowed; allowed: an IPv4 or IPv6 address, or a lower-case DNS name`,
  );
}

export function checkUser(field: string, value: unknown): string {
  if (typeof value === "string" && SSH_USER.test(value)) return value;
  throw new ValueError(
    `${field}: ${JSON.stringify(value)} is not allowed; allowed: a login name (lower-case letters, digits, '_' and '-', at most 32, not starting with a digit or '-')`,
  );
}

export function checkPort(field: string, value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535)
    return value;
  throw new ValueError(
    `${field}: ${JSON.stringify(value)} is not allowed; allowed: a TCP port from 1 to 65535`,
  );
}

export function checkLabels(
  field: string,
  labels: Record<string, unknown>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    checked(`${field} key`, key, LABEL_KEY);
    out[key] = checked(`${field}.${key}`, value, LABEL_VALUE);
  }
  return out;
}

/** `address` or `[address]:port`, as OpenSSH writes hosts in known_hosts. */
export function hostPort(h: Pick<Host, "address" | "port">): string {
  return h.port === 22 ? h.address : `[${h.address}]:${h.port}`;
}

/** How a host is named in messages: its node name and where it is. */
export function describeHost(h: Pick<Host, "name" | "address" | "port">): string {
  return `${h.name} (${h.address}${h.port === 22 ? "" : `:${h.port}`})`;
}

/**
 * The whole set: one control plane (k3s with an embedded datastore), distinct names and endpoints.
 */
export function checkHostSet(hosts: readonly Host[], field = "hosts"): void {
  const planes = hosts.filter((h) => h.role === "control-plane");
  if (planes.length !== 1) {
    throw new ValueError(
      `${field}: needs exactly one host with role control-plane, has ${planes.length}; meshbench builds single-server k3s clusters (give the others role worker)`,
    );
  }
  const seen = new Map<string, number>();
  hosts.forEach((h, i) => {
    for (const key of [`name ${h.name}`, `endpoint ${hostPort(h)}`]) {
      const before = seen.get(key);
      if (before !== undefined)
        throw new ValueError(`${field}[${i}]: same ${key} as ${field}[${before}]; each host once`);
      seen.set(key, i);
    }
  });
}
