// A mesh definition's Kubernetes steps made concrete for one run: placeholders filled
// ({version}: the scenario's or the definition's version, checked against the strict
// release pattern; {files}: the directory its files are written to), timeouts settled.
// And the same, as text for a person (`meshbench scenario` prints it; golden-tested), so
// what will run on a cluster can be read before anything runs. Pure.
import { isAbsolute, relative } from "node:path";
import { POD_SECURITY_ENFORCE } from "../../kube/labels.ts";
import { checked, VERSION_PATTERN } from "../../kube/names.ts";
import type { KubernetesMesh, MeshDefinition } from "../../mesh/schema.ts";
import { downloadableTool } from "../../mesh/tools.ts";
import { formatDuration } from "../../scenario/duration.ts";
import type { OsArch } from "../../tools/pinned.ts";

export interface RenderedStep {
  argv: string[];
  output: "ignore" | "apply" | "delete";
  timeoutMs: number;
}

export interface RenderOptions {
  /** The scenario's version, or null for the definition's own. */
  version: string | null;
  filesDir: string;
  /** Replaces every step's own timeout (the scenario's cluster.timeouts.install). */
  timeoutMs?: number | null;
}

/** The version a run installs: the scenario's, else the definition's; checked. */
export function meshVersion(mesh: MeshDefinition, version: string | null): string | null {
  const v = version ?? mesh.kubernetes?.version ?? null;
  return v === null ? null : checked(`meshes[].version of ${mesh.name}`, v, VERSION_PATTERN);
}

export function renderSteps(
  mesh: MeshDefinition,
  which: "install" | "uninstall",
  options: RenderOptions,
): RenderedStep[] {
  const k = kubernetesOf(mesh);
  const version = meshVersion(mesh, options.version);
  return k[which].map((step, i) => ({
    argv: step.run.map((arg) =>
      arg.replace(/\{(version|files)\}/g, (_, name: string) => {
        if (name === "files") {
          if (Object.keys(k.files).length === 0)
            throw new Error(
              `${mesh.file}: kubernetes.${which}[${i}] uses {files}, but the definition has no files`,
            );
          return options.filesDir;
        }
        if (version === null)
          throw new Error(
            `${mesh.file}: kubernetes.${which}[${i}] uses {version}, and no version is set: give kubernetes.version in the definition or meshes[].version in the scenario`,
          );
        return version;
      }),
    ),
    output: step.output,
    timeoutMs: options.timeoutMs ?? step.timeout,
  }));
}

export function kubernetesOf(mesh: MeshDefinition): KubernetesMesh {
  if (!mesh.kubernetes)
    throw new Error(
      `mesh ${mesh.name} is not defined for the kubernetes platform (${mesh.file} has no "kubernetes:" section)`,
    );
  return mesh.kubernetes;
}

/**
 * The Pod Security label of every namespace meshbench creates for a run of this mesh: the
 * level its definition states, privileged when it states none (the meshes' init
 * containers add NET_ADMIN and NET_RAW).
 */
export function podSecurityLabels(mesh: MeshDefinition): Record<string, string> {
  return { [POD_SECURITY_ENFORCE]: kubernetesOf(mesh).podSecurity ?? "privileged" };
}

const OUTPUT = { ignore: "", apply: "  | apply", delete: "  | delete" } as const;

function stepLines(steps: RenderedStep[]): string[] {
  return steps.map(
    (s) => `${s.argv.join(" ")}${OUTPUT[s.output]}  (timeout ${formatDuration(s.timeoutMs)})`,
  );
}

const pairs = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

/** What installing, recognising and removing the mesh will do, for a person to read. */
export function formatMeshPlan(
  mesh: MeshDefinition,
  version: string | null,
  platform: OsArch,
  timeoutMs: number | null = null,
): string {
  const k = kubernetesOf(mesh);
  const v = meshVersion(mesh, version);
  const render = (which: "install" | "uninstall") =>
    renderSteps(mesh, which, { version, filesDir: "{files}", timeoutMs });
  const block = (title: string, lines: string[]) =>
    lines.length === 0
      ? []
      : lines.map((l, i) => `  ${i === 0 ? title.padEnd(10) : " ".repeat(10)} ${l}`);
  const tools = k.requires.map((r) => {
    const spec = downloadableTool(r, v);
    return spec
      ? `${r.binary} ${spec.version}: from the PATH if it is that version, else ${spec.url(platform)}`
      : `${r.binary}: from the PATH (${r.hint})`;
  });
  const ready = k.ready.map(
    (c) =>
      `${c.deployments === "all" ? "every deployment" : `deployments ${c.deployments.join(", ")}`}${
        c.daemonsets === "all"
          ? " and every daemonset"
          : c.daemonsets.length
            ? ` and daemonsets ${c.daemonsets.join(", ")}`
            : ""
      } in ${c.namespace} available  (timeout ${formatDuration(timeoutMs ?? c.timeout)})`,
  );
  const join = [
    ...(Object.keys(k.join.namespaceLabels).length
      ? [`namespace labels ${pairs(k.join.namespaceLabels)}`]
      : []),
    ...(Object.keys(k.join.namespaceAnnotations).length
      ? [`namespace annotations ${pairs(k.join.namespaceAnnotations)}`]
      : []),
    ...(Object.keys(k.join.podAnnotations).length
      ? [`pod annotations ${pairs(k.join.podAnnotations)}`]
      : []),
    ...(Object.keys(k.join.optOutPodAnnotations).length
      ? [`opt-out pod annotations ${pairs(k.join.optOutPodAnnotations)}`]
      : []),
  ];
  const r = k.recognise;
  const recognise = [
    ...(r.controlPlaneNamespaces.length
      ? [`control plane: namespaces ${r.controlPlaneNamespaces.join(", ")}`]
      : []),
    ...(r.proxyContainers.length ? [`data plane: containers ${r.proxyContainers.join(", ")}`] : []),
    ...r.nodeProxies.map(
      (n) => `data plane: node proxies in ${n.namespace} labelled ${pairs(n.podLabels)}`,
    ),
  ];
  const range = k.supports?.kubernetes;
  const supports = [
    ...(range ? [`Kubernetes ${range.min}–${range.max} (the preflight checks the cluster's)`] : []),
    ...(k.requiresNoCni ? ["only a cluster made without a CNI: this mesh is the CNI"] : []),
  ];
  const files = Object.entries(k.files).map(
    ([name, text]) => `{files}/${name} (${text.split("\n").length} lines)`,
  );
  const rel = relative(process.cwd(), mesh.file);
  const shownFile = rel.startsWith("..") || isAbsolute(rel) ? mesh.file : rel;
  const lines = [
    `${mesh.name}${v ? ` ${v}` : ""} (${shownFile})`,
    ...block("supports", supports),
    ...block("tools", tools),
    ...block("files", files),
    ...block("install", stepLines(render("install"))),
    ...block("ready", ready),
    ...block("join", join.length ? join : ["(nothing: workloads are not meshed)"]),
    ...block("recognise", recognise),
    ...block("uninstall", stepLines(render("uninstall"))),
  ];
  return `${lines.join("\n")}\n`;
}
