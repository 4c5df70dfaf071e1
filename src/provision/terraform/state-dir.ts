// A run's state directory: everything needed to destroy its cluster later, from another
// step or another process (the Action's post step, the lifetime guard, `meshbench cleanup`):
// the Terraform state, the variables file, the provider plugins (TF_DATA_DIR), and
// meshbench's record of the cluster (which module, which binary, when it expires, who owns
// it, how far creation got). The directory is 0700 and its files 0600: the state can hold
// generated keys, the variables can hold whatever the module takes.

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

export const RECORD_FILE = "meshbench-cluster.json";
export const RECORD_SCHEMA = "meshbench/terraform-cluster/v1";

/**
 * Absolute paths, always: tofu runs with -chdir=<module>, where a relative -state,
 * -var-file or TF_DATA_DIR would name files under the module instead.
 */
export function statePaths(stateDir: string) {
  const dir = resolve(stateDir);
  return {
    record: join(dir, RECORD_FILE),
    tfstate: join(dir, "terraform.tfstate"),
    tfvars: join(dir, "meshbench.tfvars.json"),
    dataDir: join(dir, "tf-data"),
    kubeconfig: join(dir, "kubeconfig"),
    knownHosts: join(dir, "known_hosts"),
  };
}

const Record = z.object({
  schema: z.literal(RECORD_SCHEMA),
  runId: z.string(),
  /** Absolute path of the module directory. */
  module: z.string(),
  /** The tofu/terraform executable used at creation; destroy uses the same. */
  binary: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  maxLifetimeMs: z.number().int().positive(),
  owner: z.object({ pid: z.number().int(), hostname: z.string() }),
  /**
   * preparing: nothing applied yet, nothing to destroy. applying/created: resources may
   * exist. destroy-failed: a destroy gave up; they probably still exist.
   */
  phase: z.enum(["preparing", "applying", "created", "destroying", "destroy-failed"]),
  lastError: z.string().optional(),
});
export type ClusterRecord = z.infer<typeof Record>;

export function newRecord(o: {
  runId: string;
  module: string;
  binary: string;
  now: Date;
  maxLifetimeMs: number;
}): ClusterRecord {
  return {
    schema: RECORD_SCHEMA,
    runId: o.runId,
    module: o.module,
    binary: o.binary,
    createdAt: o.now.toISOString(),
    expiresAt: expiresAt(o.now, o.maxLifetimeMs),
    maxLifetimeMs: o.maxLifetimeMs,
    owner: { pid: process.pid, hostname: hostname() },
    phase: "preparing",
  };
}

/** The expiry as modules receive it: UTC, whole seconds (2026-11-27T11:15:00Z). */
export function expiresAt(now: Date, maxLifetimeMs: number): string {
  return new Date(now.getTime() + maxLifetimeMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The record, or null when the directory holds none (never created, or destroyed and removed). */
export async function readRecord(stateDir: string): Promise<ClusterRecord | null> {
  const path = statePaths(stateDir).record;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path}: not JSON; it is meshbench's record of a cluster, do not edit it`);
  }
  const parsed = Record.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${path}: not a record meshbench can read (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}); written by another meshbench version?`,
    );
  return parsed.data;
}

/** Written whole or not at all (a killed process never leaves half a record). */
export async function writeRecord(stateDir: string, record: ClusterRecord): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = statePaths(stateDir).record;
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(partial, path);
}

export async function updateRecord(
  stateDir: string,
  change: Partial<ClusterRecord>,
): Promise<ClusterRecord | null> {
  const record = await readRecord(stateDir);
  if (!record) return null;
  const next = { ...record, ...change };
  await writeRecord(stateDir, next);
  return next;
}
