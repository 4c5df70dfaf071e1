// Namespaces meshbench creates by fixed names (emojivoto-1 …, meshbench-loadgen) may exist
// on a user's cluster already, as the user's own. Applying over one would adopt it (server-
// side apply with force takes any namespace), and deleting by name after the run would
// delete the user's things. So: one that exists without meshbench's label is refused before
// anything is applied, and only namespaces carrying this run's labels are ever deleted.
import type { V1Namespace } from "@kubernetes/client-node";
import type { Kube } from "./client.ts";
import { isConflict, isNotFound } from "./errors.ts";
import { MANAGED_BY, MANAGER, RUN_ID } from "./labels.ts";

async function readNamespace(kube: Kube, name: string): Promise<V1Namespace | null> {
  return kube
    .call(`read namespace ${name}`, () => kube.core.readNamespace({ name }))
    .catch((error) => {
      if (isNotFound(error)) return null;
      throw error;
    });
}

/**
 * Throws, naming the namespace and the way out, when one of `names` exists and is not meshbench's.
 */
export async function refuseForeignNamespaces(kube: Kube, names: string[]): Promise<void> {
  for (const name of names) {
    const ns = await readNamespace(kube, name);
    if (ns && ns.metadata?.labels?.[MANAGED_BY] !== MANAGER)
      throw new Error(
        `namespace ${name} already exists and was not created by meshbench (no ${MANAGED_BY}=${MANAGER} label); meshbench would take it over and delete it after the run. Delete it (kubectl delete namespace ${name}) if it is not needed, or use another cluster`,
      );
  }
}

export interface DeleteNamespacesOptions {
  /** Only namespaces labelled with this run are deleted. */
  runId: string;
  waitMs: number;
  pollMs: number;
  /** Told about a namespace left alone because it is not this run's. */
  log?: (line: string) => void;
}

/**
 * Deletes this run's namespaces among `names` and waits (bounded) until they are gone; returns what
 * failed.
 */
export async function deleteRunNamespaces(
  kube: Kube,
  names: string[],
  options: DeleteNamespacesOptions,
): Promise<string[]> {
  const failures: string[] = [];
  const deleting: string[] = [];
  for (const name of names) {
    try {
      const ns = await readNamespace(kube, name);
      if (!ns) continue;
      const labels = ns.metadata?.labels ?? {};
      if (labels[MANAGED_BY] !== MANAGER || labels[RUN_ID] !== options.runId) {
        options.log?.(`left namespace ${name} alone: it is not this run's`);
        continue;
      }
      deleting.push(name);
      await kube.call(`delete namespace ${name}`, () =>
        kube.core.deleteNamespace({ name, propagationPolicy: "Background" }),
      );
    } catch (error) {
      // 409: already terminating (a real API server's answer to a second delete).
      if (!isNotFound(error) && !isConflict(error)) failures.push((error as Error).message);
    }
  }
  const deadline = Date.now() + options.waitMs;
  let left = deleting;
  while (left.length > 0) {
    const still = await Promise.all(
      left.map((name) =>
        kube.core.readNamespace({ name }).then(
          () => true,
          (error) => !isNotFound(error),
        ),
      ),
    );
    left = left.filter((_, i) => still[i]);
    if (left.length === 0 || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
  if (left.length > 0)
    failures.push(
      `namespaces still terminating after ${Math.round(options.waitMs / 1000)}s: ${left.join(", ")}`,
    );
  return failures;
}
