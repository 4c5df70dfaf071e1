// The module's side of the contract, read from `output -json`. Either
//   kubeconfig  (string, sensitive)  the module built the cluster itself; or
//   hosts       (list of objects)    machines meshbench turns into a k3s cluster over SSH:
//     address          IP or DNS name reachable from the runner (SSH and the API server)
//     user             login with root or passwordless sudo
//     role             "control-plane" (exactly one) or "worker"
//     labels           optional map of node labels
//     port             optional SSH port (22)
//     name             optional node name (control-plane-1, worker-1, worker-2 …)
//     private_address  optional address the nodes use among themselves
//     host_keys        optional pinned SSH host keys (key lines or SHA256: fingerprints)
//   ssh_private_key   (string, sensitive, optional) the key for `hosts`, when the module
//                     generated it (else meshbench's sshKey option gives it).
//   flannel_backend   (string, optional, with hosts) vxlan (default) or wireguard-native:
//                     the module knows whether its nodes talk over a private network or
//                     over public addresses, where pod traffic must be encrypted.
// Errors name the output and field, and say what is allowed.
import { checked, DNS_SUBDOMAIN, ValueError } from "../../kube/names.ts";
import {
  checkAddress,
  checkHostSet,
  checkLabels,
  checkPort,
  checkUser,
  HOST_ROLES,
  type Host,
  type HostRole,
} from "../ssh/hosts.ts";
import { checkFlannelBackend, type FlannelBackend } from "../ssh/k3s.ts";

export type ModuleOutputs =
  | { kind: "kubeconfig"; kubeconfig: string }
  | { kind: "hosts"; hosts: Host[]; sshPrivateKey?: string; flannelBackend?: FlannelBackend };

/**
 * The fields of a `hosts` element; anything else is refused (a typo would otherwise be ignored).
 */
export const HOST_OUTPUT_FIELDS = new Set([
  "address",
  "user",
  "role",
  "labels",
  "port",
  "name",
  "private_address",
  "host_keys",
]);

function asObject(field: string, v: unknown): Record<string, unknown> {
  if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new ValueError(`${field}: must be an object`);
}

function parseHost(raw: unknown, i: number, counters: Record<HostRole, number>): Host {
  const field = `output hosts[${i}]`;
  const h = asObject(field, raw);
  for (const k of Object.keys(h))
    if (!HOST_OUTPUT_FIELDS.has(k))
      throw new ValueError(
        `${field}.${k}: not part of the contract; allowed: ${[...HOST_OUTPUT_FIELDS].join(", ")}`,
      );
  const role = h.role;
  if (typeof role !== "string" || !(HOST_ROLES as readonly string[]).includes(role))
    throw new ValueError(
      `${field}.role: ${JSON.stringify(role)} is not allowed; allowed: ${HOST_ROLES.join(", ")}`,
    );
  counters[role as HostRole]++;
  const name =
    h.name === undefined || h.name === null
      ? `${role}-${counters[role as HostRole]}`
      : checked(`${field}.name`, h.name, DNS_SUBDOMAIN);
  const keys = h.host_keys ?? [];
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string"))
    throw new ValueError(`${field}.host_keys: must be a list of strings`);
  return {
    address: checkAddress(`${field}.address`, h.address),
    port: h.port === undefined || h.port === null ? 22 : checkPort(`${field}.port`, h.port),
    user: checkUser(`${field}.user`, h.user),
    role: role as HostRole,
    name,
    labels: checkLabels(`${field}.labels`, asObject(`${field}.labels`, h.labels ?? {})),
    ...(h.private_address === undefined || h.private_address === null
      ? {}
      : { privateAddress: checkAddress(`${field}.private_address`, h.private_address) }),
    hostKeys: keys as string[],
  };
}

/** Parses `output -json` (`{ name: { value, type, sensitive } }`) against the contract. */
export function parseOutputs(json: string): ModuleOutputs {
  let all: Record<string, { value?: unknown }>;
  try {
    all = asObject("outputs", JSON.parse(json)) as typeof all;
  } catch {
    throw new Error(
      "`output -json` did not print JSON; if a setup action wraps the binary, turn its wrapper off (tofu_wrapper: false / terraform_wrapper: false)",
    );
  }
  const value = (name: string) => all[name]?.value;
  const kubeconfig = value("kubeconfig");
  const hosts = value("hosts");
  if ((kubeconfig === undefined) === (hosts === undefined)) {
    const names = Object.keys(all).join(", ") || "none";
    throw new ValueError(
      `module outputs: need exactly one of kubeconfig (the module built the cluster) or hosts (meshbench builds it over SSH); the module has: ${names}`,
    );
  }
  if (kubeconfig !== undefined) {
    if (value("flannel_backend") !== undefined)
      throw new ValueError(
        "output flannel_backend: only with hosts (meshbench builds that cluster); a module that outputs kubeconfig configures its own network",
      );
    if (typeof kubeconfig !== "string" || !kubeconfig.includes("clusters"))
      throw new ValueError("output kubeconfig: must be the kubeconfig's YAML text");
    return { kind: "kubeconfig", kubeconfig };
  }
  if (!Array.isArray(hosts) || hosts.length === 0)
    throw new ValueError("output hosts: must be a non-empty list of host objects");
  const counters: Record<HostRole, number> = { "control-plane": 0, worker: 0 };
  const parsed = hosts.map((h, i) => parseHost(h, i, counters));
  checkHostSet(parsed, "output hosts");
  const key = value("ssh_private_key");
  if (key !== undefined && key !== null && typeof key !== "string")
    throw new ValueError("output ssh_private_key: must be the private key's text");
  const backend = value("flannel_backend");
  return {
    kind: "hosts",
    hosts: parsed,
    ...(typeof key === "string" && key ? { sshPrivateKey: key } : {}),
    ...(backend === undefined || backend === null
      ? {}
      : { flannelBackend: checkFlannelBackend("output flannel_backend", backend) }),
  };
}
