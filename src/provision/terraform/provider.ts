// `provider: terraform`: bare-metal (or any) machines from a Terraform/OpenTofu module, a
// Kubernetes cluster on them, and everything destroyed again. create() records the cluster
// in the state directory before anything exists (so that destroy, the lifetime guard and
// cleanup can always find it), runs init and apply with meshbench's variables (run id and
// expiry, which the module tags its resources with), reads the outputs and either takes
// the module's kubeconfig or builds k3s over SSH on its hosts. destroy() runs `destroy`
// with the same state, retried, loud on failure, and is a no-op the second time.
import { constants } from "node:fs";
import { access, readdir, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { checkRunId } from "../../kube/labels.ts";
import { ValueError } from "../../kube/names.ts";
import { type ClusterInfo, listNodeSummaries, type Provider } from "../provider.ts";
import { buildK3sCluster, type K3sClusterOptions } from "../ssh/cluster.ts";
import { checkK3sVersion, DEFAULT_K3S_VERSION } from "../ssh/k3s.ts";
import { findTerraform } from "./binary.ts";
import { type DestroyOptions, destroyTerraformStateDir } from "./destroy.ts";
import {
  checkLifetime,
  checkMaxLifetime,
  DEFAULT_MAX_LIFETIME_MS,
  lifetimeExceeded,
} from "./lifetime.ts";
import { parseOutputs } from "./outputs.ts";
import { runTerraform } from "./run.ts";
import { newRecord, readRecord, statePaths, updateRecord, writeRecord } from "./state-dir.ts";
import { checkVars, tfvarsJson } from "./vars.ts";

export type SshKeySource = { content: string } | { path: string };

export interface TerraformProviderOptions {
  /** The module directory (its own root module: no backend block; meshbench keeps the state). */
  module: string;
  /** The module's input variables (meshbench adds meshbench_run_id and meshbench_expires_at). */
  vars?: Record<string, unknown>;
  /** This run's state directory; the Action keeps it from main to post. */
  stateDir: string;
  /**
   * The SSH private key for `hosts` (a secret); not needed when the module outputs ssh_private_key
   * or a kubeconfig.
   */
  sshKey?: SshKeySource;
  /** k3s release for `hosts` (default v1.33.1+k3s1). */
  k3sVersion?: string;
  /** Reboot every worker before benchmarking (default false). */
  reboot?: boolean;
  runId: string;
  /** Default 6 h; the next meshbench step after that destroys the cluster. */
  maxLifetimeMs?: number;
  /**
   * tofu or terraform (a path or a name on the PATH); default tofu if on the PATH, else terraform.
   */
  binary?: string;
  env?: NodeJS.ProcessEnv;
  /** Apply's time limit (default 60 min: bare metal can take half an hour to deliver). */
  applyTimeoutMs?: number;
  destroy?: Omit<DestroyOptions, "env" | "log">;
  /**
   * Building k3s on `hosts`: installer source, host layout, timeouts (defaults suit real hosts).
   */
  k3s?: Partial<
    Pick<
      K3sClusterOptions,
      | "installer"
      | "layout"
      | "apiServerUrl"
      | "metricsServerManifest"
      | "timeouts"
      | "pollMs"
      | "metricsServer"
      | "images"
    >
  >;
  now?: () => Date;
  log?: (line: string) => void;
  /** Told each secret the module outputs (kubeconfig, ssh_private_key) before it is used. */
  onSecret?: (value: string, kind: "kubeconfig" | "ssh-private-key") => void;
}

async function checkModule(path: string): Promise<string> {
  const dir = resolve(path);
  const names = await readdir(dir).catch(() => null);
  if (!names)
    throw new ValueError(
      `module: ${JSON.stringify(path)} is not a directory; give the module's directory`,
    );
  if (!names.some((n) => n.endsWith(".tf") || n.endsWith(".tf.json")))
    throw new ValueError(
      `module: ${dir} has no .tf files; give the directory of a Terraform/OpenTofu module`,
    );
  return dir;
}

async function readKey(source: SshKeySource): Promise<string> {
  if ("content" in source) return source.content;
  try {
    await access(source.path, constants.R_OK);
  } catch {
    throw new ValueError(`sshKey.path: ${source.path} cannot be read`);
  }
  return readFile(source.path, "utf8");
}

export function terraformProvider(options: TerraformProviderOptions): Provider {
  const runId = checkRunId(options.runId);
  const stateDir = resolve(options.stateDir);
  const maxLifetimeMs = checkMaxLifetime(
    "maxLifetime",
    options.maxLifetimeMs ?? DEFAULT_MAX_LIFETIME_MS,
  );
  const k3sVersion = checkK3sVersion("k3sVersion", options.k3sVersion ?? DEFAULT_K3S_VERSION);
  const vars = checkVars(options.vars);
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const paths = statePaths(stateDir);
  let kubeconfigPath: string | null = null;
  /** Set once the lifetime guard has destroyed the cluster: why no further run can start. */
  let expired: string | null = null;

  const describeNodes = () =>
    listNodeSummaries(`terraform cluster ${runId}`, { path: kubeconfigPath });

  return {
    kind: "terraform",
    async create(signal?: AbortSignal): Promise<ClusterInfo> {
      const module = await checkModule(options.module);
      const existing = await readRecord(stateDir);
      if (existing)
        throw new Error(
          `state directory ${stateDir} already holds the cluster of run ${existing.runId} (created ${existing.createdAt}, ${existing.phase}); ` +
            `destroy it first (meshbench cleanup --provider terraform --state-dir ${stateDir}) or give this run its own directory: reusing it would lose track of those servers`,
        );
      const binary = await findTerraform(env, options.binary);
      const record = newRecord({ runId, module, binary, now: now(), maxLifetimeMs });
      // The record first: from here on, destroy/cleanup know this directory is a cluster's.
      await writeRecord(stateDir, record);
      await writeFile(paths.tfvars, tfvarsJson(vars, runId, record.expiresAt), { mode: 0o600 });
      // The signal reaches init and apply: apply then stops as on Ctrl-C and writes what
      // it created to the state, so that destroy (or the Action's post step) finds it.
      const common = { module, stateDir, env, log, ...(signal ? { signal } : {}) };
      log(
        `${binary.split("/").pop()} init in ${module} (run ${runId}, expires ${record.expiresAt})`,
      );
      await runTerraform(binary, "init", { ...common, timeoutMs: 600_000 });
      await updateRecord(stateDir, { phase: "applying" });
      await runTerraform(binary, "apply", {
        ...common,
        timeoutMs: options.applyTimeoutMs ?? 3_600_000,
      });
      await updateRecord(stateDir, { phase: "created" });
      const outputs = parseOutputs(
        await runTerraform(binary, "output", { ...common, timeoutMs: 120_000 }),
      );

      const name = `meshbench-${runId}`;
      if (outputs.kind === "kubeconfig") options.onSecret?.(outputs.kubeconfig, "kubeconfig");
      else if (outputs.sshPrivateKey) options.onSecret?.(outputs.sshPrivateKey, "ssh-private-key");
      if (outputs.kind === "kubeconfig") {
        await writeFile(paths.kubeconfig, outputs.kubeconfig, { mode: 0o600 });
        kubeconfigPath = paths.kubeconfig;
      } else {
        const privateKey = options.sshKey ? await readKey(options.sshKey) : outputs.sshPrivateKey;
        if (!privateKey)
          throw new ValueError(
            "sshKey: the module outputs hosts but no ssh_private_key; give meshbench the SSH private key the hosts accept (sshKey, from a secret), or have the module output it as ssh_private_key (sensitive)",
          );
        const cluster = await buildK3sCluster({
          ...options.k3s,
          hosts: outputs.hosts,
          privateKey,
          knownHostsPath: paths.knownHosts,
          k3sVersion,
          ...(outputs.flannelBackend ? { flannelBackend: outputs.flannelBackend } : {}),
          kubeconfigPath: paths.kubeconfig,
          name,
          reboot: options.reboot ?? false,
          log,
        });
        kubeconfigPath = cluster.kubeconfigPath;
      }
      return {
        provider: "terraform",
        name,
        kubeconfigPath,
        nodes: await describeNodes(),
      };
    },
    async destroy(): Promise<void> {
      kubeconfigPath = null;
      await destroyTerraformStateDir(stateDir, { ...options.destroy, env, log });
    },
    describeNodes,
    // Bare metal costs money by the hour: once the cluster has outlived its maxLifetime,
    // the next run destroys it instead of starting.
    async ensureUsable(runLog = log): Promise<void> {
      // Once the guard has fired the cluster is gone (its record too, so checkLifetime
      // would answer "none"): every later run fails here, before touching anything.
      if (expired) throw new Error(expired);
      const status = await checkLifetime(stateDir, { ...options.destroy, env, log: runLog }).catch(
        (error: Error) => {
          expired = `cluster lifetime exceeded; destroying it FAILED: ${error.message}`;
          throw error;
        },
      );
      if (status.state === "expired-destroyed") {
        expired = lifetimeExceeded(status);
        throw new Error(expired);
      }
    },
  };
}
