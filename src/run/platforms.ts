// Which platform a scenario runs on, opened once for the whole plan, and what run.json
// says about it. Shared by the CLI and the Action.
import { cpus } from "node:os";
import type { PlannedMesh } from "../platform/kubernetes/preflight.ts";
import { LocalPlatform } from "../platform/local/platform.ts";
import { type Check, failed } from "../platform/preflight-checks.ts";
import type { Platform } from "../platform/types.ts";
import type { TerraformProviderInputs } from "../provision/provider-for.ts";
import type { PlatformRecord } from "../results/run-schema.ts";
import type { Scenario } from "../scenario/load.ts";
import type { ResolveOptions } from "../tools/pinned.ts";
import { loadKubernetes } from "./load-kubernetes.ts";
import { PreflightFailed, preflightText } from "./preflight.ts";

export interface ChosenPlatform {
  platform: Platform & {
    /** Synchronous last resort (a second Ctrl-C): stop every process now. */
    killAllNow?: () => void;
  };
  info: PlatformRecord;
}

/**
 * --kubeconfig / --context (the CLI) or the Action's kubeconfig: another cluster than the
 * scenario's.
 */
export interface ClusterOverride {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  /** Where kind, kubectl and the mesh CLIs come from (the Action: @actions/tool-cache). */
  tools?: ResolveOptions;
  /** provider terraform: the state directory's root, the SSH key, a hook for the Action's post. */
  terraform?: TerraformProviderInputs;
}

/** The platform could not be opened (a cluster not reachable, kind not creatable). */
export class PlatformUnavailable extends Error {
  /** Removing what was made also failed (bare metal: servers probably still running). */
  readonly teardownError: Error | null;
  constructor(message: string, teardownError: Error | null = null) {
    super(message);
    this.name = "PlatformUnavailable";
    this.teardownError = teardownError;
  }
}

/** A bad override for this scenario (a kubeconfig for a local scenario). */
export class OverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OverrideError";
  }
}

function localPlatformInfo(): PlatformRecord {
  const cores = cpus();
  return {
    kind: "local",
    nodes: { count: 1, types: [`${cores[0]?.model.trim() ?? "unknown CPU"} ×${cores.length}`] },
  };
}

/** The scenario's cluster, unless an override names another (an existing kubeconfig). */
export function clusterOf(scenario: Scenario, override: ClusterOverride = {}) {
  const cluster = scenario.cluster;
  if (!cluster) {
    if (override.kubeconfig !== undefined || override.context !== undefined)
      throw new OverrideError(
        `a kubeconfig or context is for platform: kubernetes; ${scenario.name} runs on ${scenario.platform}`,
      );
    return null;
  }
  if (override.kubeconfig === undefined && override.context === undefined) return cluster;
  const given = cluster.provider.kind === "kubeconfig" ? cluster.provider : null;
  return {
    ...cluster,
    provider: {
      kind: "kubeconfig" as const,
      path: override.kubeconfig ?? given?.path ?? null,
      context: override.context ?? given?.context ?? null,
    },
  };
}

/**
 * Opens the scenario's platform: the local one, or the cluster (created for kind, adopted
 * for a kubeconfig). Call `close` when the plan is done, whatever happened.
 */
export async function openPlatform(
  scenario: Scenario,
  override: ClusterOverride,
  log: (line: string) => void,
  o: {
    /** Stops creating the cluster (forwarded to `tofu apply`, which then saves its state). */
    signal?: AbortSignal | undefined;
    /** The meshes the plan installs: what the preflight checks the cluster for. */
    planned?: readonly PlannedMesh[];
    /** Told the preflight's table, passed or failed, before the run goes on or stops. */
    onPreflight?: ((checks: readonly Check[]) => Promise<void>) | undefined;
  } = {},
): Promise<ChosenPlatform & { close: () => Promise<void> }> {
  const cluster = clusterOf(scenario, override);
  if (scenario.platform === "local" || !cluster) {
    return { platform: new LocalPlatform(), info: localPlatformInfo(), close: async () => {} };
  }
  // Loaded only for a cluster: client-node and its HTTP stack would otherwise be loaded
  // (about 40 MB and 0.1 s) by every meshbench process, the local platform's services too.
  const { KubernetesPlatform, providerFor, localChecks } = await loadKubernetes();
  // The preflight's first half, before a kind cluster is made or a program fetched twice.
  const planned = o.planned ?? [];
  const local = await localChecks(cluster, planned, override.tools);
  if (failed(local)) {
    log(preflightText(local));
    await o.onPreflight?.(local);
    throw new PreflightFailed(local);
  }
  const provider = providerFor(cluster, {
    tools: override.tools,
    log,
    terraform: override.terraform,
  });
  const platform = new KubernetesPlatform({
    cluster,
    provider,
    log,
    ...(override.tools ? { tools: override.tools } : {}),
  });
  const close = async () => {
    await platform.close?.();
  };
  // A kubeconfig's cluster that cannot be reached is a failing check (nothing was made);
  // a kind or bare-metal cluster that cannot be made is the platform being unavailable.
  if (cluster.provider.kind !== "kubeconfig") await openOrTearDown(platform, close, log, o.signal);
  const checks = [...local, ...(await platform.preflight(scenario, planned))];
  log(preflightText(checks));
  try {
    await o.onPreflight?.(checks);
  } catch (error) {
    await close();
    throw error;
  }
  if (failed(checks)) {
    await close();
    throw new PreflightFailed(checks);
  }
  const info = await openOrTearDown(platform, close, log, o.signal);
  return { platform, info, close };
}

/**
 * Opens the platform; if that fails, removes what it made before saying so. A removal that
 * fails too is part of the error, never swallowed: on bare metal it means servers that are
 * probably still running (and billed), and its message says where the state is kept and
 * how to destroy them.
 */
export async function openOrTearDown(
  platform: {
    open: (log?: (line: string) => void, signal?: AbortSignal) => Promise<PlatformRecord>;
  },
  close: () => Promise<void>,
  log?: (line: string) => void,
  signal?: AbortSignal,
): Promise<PlatformRecord> {
  try {
    return await platform.open(log, signal);
  } catch (error) {
    const reason = `the cluster is not usable: ${(error as Error).message}`;
    try {
      await close();
    } catch (closeError) {
      throw new PlatformUnavailable(
        `${reason}\nand removing what was made for it failed too:\n${(closeError as Error).message}`,
        closeError as Error,
      );
    }
    throw new PlatformUnavailable(reason);
  }
}
