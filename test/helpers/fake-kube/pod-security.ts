// Pod Security admission as the API server enforces it: a namespace's
// pod-security.kubernetes.io/enforce label (else the cluster's default level) decides, and
// a pod that breaks its level is refused with the real message, e.g.
//   pods "web-1" is forbidden: violates PodSecurity "baseline:latest": non-default
//   capabilities (container "linkerd-init" must not include "NET_ADMIN", "NET_RAW" in
//   securityContext.capabilities.add)
// The checks are the ones meshbench's and the meshes' pods meet (privileged, host
// namespaces, capabilities, hostPath; under restricted also privilege escalation, dropped
// capabilities, non-root, seccomp), with the wording of k8s.io/pod-security-admission.

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";
export const ENFORCE = "pod-security.kubernetes.io/enforce";

type Container = {
  name: string;
  securityContext?: {
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    seccompProfile?: { type?: string };
    capabilities?: { add?: string[]; drop?: string[] };
  };
};
type PodSpec = {
  containers?: Container[];
  initContainers?: Container[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  volumes?: { name: string; hostPath?: unknown }[];
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
};

/** Capabilities baseline allows to be added (the container runtime's defaults). */
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(", ");
/** `container "a"` or `containers "a", "b"`, as the real messages say it. */
const which = (names: string[], noun = "container") =>
  `${names.length === 1 ? noun : `${noun}s`} ${quoted(names)}`;

export function levelOf(labels: Record<string, string> | undefined, fallback: PodSecurityLevel) {
  const v = labels?.[ENFORCE];
  return v === "privileged" || v === "baseline" || v === "restricted" ? v : fallback;
}

/** What a pod breaks at a level, each as the API server words it; empty: allowed. */
export function violations(level: PodSecurityLevel, spec: PodSpec): string[] {
  if (level === "privileged") return [];
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const out: string[] = [];
  const privileged = all.filter((c) => c.securityContext?.privileged).map((c) => c.name);
  if (privileged.length)
    out.push(`privileged (${which(privileged)} must not set securityContext.privileged=true)`);
  const host = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => spec[k]);
  if (host.length) out.push(`host namespaces (${host.map((k) => `${k}=true`).join(", ")})`);
  const added = all
    .map((c) => ({
      name: c.name,
      extra: (c.securityContext?.capabilities?.add ?? []).filter(
        (a) => !BASELINE_CAPABILITIES.has(a),
      ),
    }))
    .filter((c) => c.extra.length > 0);
  for (const c of added)
    out.push(
      `non-default capabilities (container "${c.name}" must not include ${quoted(c.extra)} in securityContext.capabilities.add)`,
    );
  const hostPath = (spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name);
  if (hostPath.length) out.push(`hostPath volumes (${which(hostPath, "volume")})`);
  if (level === "baseline") return out;
  const escalating = all
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map((c) => c.name);
  if (escalating.length)
    out.push(
      `allowPrivilegeEscalation != false (${which(escalating)} must set securityContext.allowPrivilegeEscalation=false)`,
    );
  const undropped = all
    .filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes("ALL"))
    .map((c) => c.name);
  if (undropped.length)
    out.push(
      `unrestricted capabilities (${which(undropped)} must set securityContext.capabilities.drop=["ALL"])`,
    );
  const root = all
    .filter((c) => (c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true)
    .map((c) => c.name);
  if (root.length)
    out.push(
      `runAsNonRoot != true (pod or ${which(root)} must set securityContext.runAsNonRoot=true)`,
    );
  const seccomp = all
    .filter((c) => {
      const t =
        c.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
      return t !== "RuntimeDefault" && t !== "Localhost";
    })
    .map((c) => c.name);
  if (seccomp.length)
    out.push(
      `seccompProfile (pod or ${which(seccomp)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
    );
  return out;
}

/** The 403 message for a refused pod, or null when its namespace's level allows it. */
export function refusal(level: PodSecurityLevel, podName: string, spec: PodSpec): string | null {
  const v = violations(level, spec);
  return v.length === 0
    ? null
    : `pods "${podName}" is forbidden: violates PodSecurity "${level}:latest": ${v.join(", ")}`;
}
