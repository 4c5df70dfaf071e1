// The provider a scenario's `cluster:` section names, built once for the whole plan and
// handed to the Kubernetes platform (which never knows which one it has).
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { newRunId } from "../kube/labels.ts";
import type { ClusterSpec } from "../scenario/load.ts";
import type { ResolveOptions } from "../tools/pinned.ts";
import { kindProvider } from "./kind.ts";
import { kubeconfigProvider } from "./kubeconfig.ts";
import type { Provider } from "./provider.ts";
import { defaultStateRoot, terraformProvider } from "./terraform/index.ts";

export interface TerraformProviderInputs {
  /**
   * Directory under which this run's state directory is made (default
   * ~/.local/state/meshbench/terraform).
   */
  stateRoot?: string;
  /** The SSH key as content (the Action's ssh-private-key input), over the scenario's file. */
  sshKey?: string;
  /** Module variables over the scenario's (the Action's terraform-vars: a region per job). */
  vars?: Record<string, string | number | boolean>;
  /** Told the state directory before anything is created (the Action saves it for post). */
  onStateDir?: (dir: string) => void;
  /** Told each secret the module outputs, before it is used (the Action masks them). */
  onSecret?: (value: string, kind: "kubeconfig" | "ssh-private-key") => void;
}

export interface ProviderInputs {
  /** Where kind (and k3s's installer) come from (cache, downloader). */
  tools?: ResolveOptions | undefined;
  /** Progress lines (creating the cluster, deleting it). */
  log?: ((line: string) => void) | undefined;
  /** provider terraform: where its state directory goes, and secrets the scenario cannot hold. */
  terraform?: TerraformProviderInputs | undefined;
}

const expandHome = (path: string) =>
  path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;

export function providerFor(cluster: ClusterSpec, options: ProviderInputs = {}): Provider {
  const p = cluster.provider;
  if (p.kind === "terraform") {
    const runId = newRunId();
    // Absolute: tofu runs with -chdir, and the Action's post step reads it back later.
    const stateDir = resolve(options.terraform?.stateRoot ?? defaultStateRoot(), runId);
    options.terraform?.onStateDir?.(stateDir);
    const sshKey = options.terraform?.sshKey
      ? { content: options.terraform.sshKey }
      : p.sshKeyPath
        ? { path: p.sshKeyPath }
        : undefined;
    return terraformProvider({
      module: p.module,
      vars: { ...p.vars, ...options.terraform?.vars },
      stateDir,
      runId,
      reboot: p.reboot,
      ...(sshKey ? { sshKey } : {}),
      ...(p.k3sVersion ? { k3sVersion: p.k3sVersion } : {}),
      ...(p.maxLifetimeMs !== null ? { maxLifetimeMs: p.maxLifetimeMs } : {}),
      ...(p.binary ? { binary: p.binary } : {}),
      k3s: { images: cluster.images },
      ...(options.log ? { log: options.log } : {}),
      ...(options.terraform?.onSecret ? { onSecret: options.terraform.onSecret } : {}),
    });
  }
  if (p.kind === "kind")
    return kindProvider({
      name: p.name,
      nodes: p.nodes,
      ...(p.image ? { image: p.image } : {}),
      images: cluster.images,
      tools: options.tools,
      log: options.log,
    });
  const path =
    p.path !== null
      ? expandHome(p.path)
      : process.env.KUBECONFIG
        ? undefined
        : join(homedir(), ".kube", "config");
  return kubeconfigProvider({
    ...(path !== undefined ? { path } : {}),
    ...(p.context !== null ? { context: p.context } : {}),
  });
}
