// Secrets in a job: masked in the log before anything can print them, written to files
// readable by this user only, and removed by the post step. The teardown state main
// leaves for post (kubeconfig path, a kind or bare-metal cluster, runs left on a given
// cluster) goes through core.saveState/getState, which the runner carries to post.
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

/**
 * Masks `value`. With `lines`, each line of a multi-line value is masked too, since log
 * lines are matched one at a time (kubeconfigs use the finer maskKubeconfig instead, so
 * that harmless lines such as `kind: Config` stay readable).
 */
export function maskSecret(value: string, { lines = true } = {}): void {
  if (!value.trim()) return;
  core.setSecret(value);
  if (lines && value.includes("\n")) {
    for (const line of value.split(/\r?\n/))
      if (line.trim().length >= 8) core.setSecret(line.trim());
  }
}

const SECRET_KEY = /token|password|secret|key-data|certificate-data|^client-key$|^key$/i;

/**
 * Masks a kubeconfig: the whole text, each credential value in it (tokens, passwords,
 * client keys and certificates, exec env values), however it is later printed.
 */
export function maskKubeconfig(content: string): void {
  maskSecret(content, { lines: false });
  const walk = (node: unknown, key = ""): void => {
    if (typeof node === "string") {
      if (SECRET_KEY.test(key) && node.length >= 4) maskSecret(node);
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, key);
    } else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      // exec plugins: env: [{ name: X, value: secret }]
      if (typeof o.name === "string" && typeof o.value === "string" && o.value.length >= 4)
        maskSecret(o.value);
      for (const [k, v] of Object.entries(o)) walk(v, k);
    }
  };
  try {
    const docs = parseAllDocuments(content);
    if (docs.some((d) => d.errors.length > 0)) throw new Error("not YAML");
    for (const doc of docs) walk(doc.toJS());
  } catch {
    // Not YAML we can read: mask every line rather than miss a credential.
    maskSecret(content);
  }
}

/** Writes a secret to a new file in `dir` readable by this user only (0600); returns its path. */
export async function writeSecretFile(
  dir: string,
  baseName: string,
  content: string,
): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${baseName}-${randomBytes(6).toString("hex")}`);
  await writeFile(path, content, { mode: 0o600, flag: "wx" });
  return path;
}

/** Masks a kubeconfig and writes it 0600 under `dir`; remember the path in the teardown state. */
export async function writeKubeconfig(dir: string, content: string): Promise<string> {
  maskKubeconfig(content);
  const path = await writeSecretFile(dir, "meshbench-kubeconfig", content);
  saveTeardownState({ kubeconfigPath: path });
  return path;
}

export async function removeSecretFile(path: string | undefined): Promise<void> {
  if (path) await rm(path, { force: true });
}

// --- main → post ----------------------------------------------------------------------

const TeardownState = z.object({
  kubeconfigPath: z.string().optional(),
  /** A kind cluster main created. */
  kindCluster: z.string().optional(),
  /**
   * The state directory of a provider-terraform cluster (bare metal): post destroys it with
   * destroyTerraformStateDir (src/provision/terraform), which fails loudly if it cannot.
   */
  terraformStateDir: z.string().optional(),
  /**
   * provider kubeconfig: runs main began on the given cluster and did not clean up (it was
   * killed), by the run-id label their objects carry; post removes them with
   * `meshbench cleanup --run-id`, through the kubeconfig above.
   */
  clusterRunIds: z.array(z.string()).optional(),
  /** Where post looks for the definitions of meshes to uninstall (the scenario's meshes/). */
  meshDirs: z.array(z.string()).optional(),
});
export type TeardownState = z.infer<typeof TeardownState>;

const STATE_KEY = "meshbench-teardown";
let saved: TeardownState = {};

/**
 * Records what post must tear down, merged into what was recorded before in this step.
 * Call it as soon as something exists (right after a cluster is created, not at the
 * end), so a failing or cancelled main still leaves post the whole list.
 */
export function saveTeardownState(more: TeardownState): TeardownState {
  saved = { ...saved, ...more };
  core.saveState(STATE_KEY, JSON.stringify(saved));
  return saved;
}

/** In post: what main recorded (empty when main recorded nothing or the state is unreadable). */
export function loadTeardownState(): TeardownState {
  const raw = core.getState(STATE_KEY);
  if (!raw) return {};
  try {
    const parsed = TeardownState.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    core.warning(`teardown state is not what meshbench wrote: ${parsed.error.message}`);
  } catch {
    core.warning("teardown state is not JSON; nothing to tear down from it");
  }
  return {};
}
