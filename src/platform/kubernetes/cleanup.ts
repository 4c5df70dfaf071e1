// Removes what meshbench made, by label: the load-generator node's label and taint, any labelled
// object outside meshbench's namespaces, labelled cluster-scoped objects (a mesh's
// CustomResourceDefinitions, cluster roles and webhooks, found through API discovery, the webhooks
// first), then meshbench's namespaces (which takes everything in them). Used after each run, on
// failure, on SIGINT/SIGTERM, and by `meshbench cleanup` for leftovers of killed runs. Safe to call
// twice; a failure to delete one thing does not stop it from deleting the others (they are
// reported).
import { ApisApi, CustomObjectsApi, type KubernetesObject } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";
import { isNotFound, KubeError, statusOf } from "../../kube/errors.ts";
import { managedSelector, RUN_ID } from "../../kube/labels.ts";
import { listAll, listObjects, PAGE_SIZE } from "../../kube/list.ts";
import { isMeshbenchs } from "./existing.ts";
import { releaseLoadgenNodes } from "./loadgen-node.ts";

export interface CleanupReport {
  namespaces: string[];
  objects: string[];
  nodes: string[];
  /** Namespaces still terminating when the wait ended (waitMs > 0). */
  stillTerminating: string[];
  failures: string[];
}

export interface CleanupOptions {
  /** Only this run's objects; all of meshbench's when absent. */
  runId?: string;
  /** How long to wait for the namespaces to be gone (0 = do not wait). */
  waitMs?: number;
  pollMs?: number;
}

export async function cleanup(kube: Kube, options: CleanupOptions = {}): Promise<CleanupReport> {
  const labelSelector = managedSelector(options.runId);
  const report: CleanupReport = {
    namespaces: [],
    objects: [],
    nodes: [],
    stillTerminating: [],
    failures: [],
  };
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      report.failures.push(`${what}: ${(error as Error).message}`);
      return false;
    }
  };

  await attempt("release the load-generator node", async () => {
    report.nodes = await releaseLoadgenNodes(kube, options.runId);
  });

  // Labelled objects in namespaces that are not meshbench's own (those go whole below).
  const kinds: [
    string,
    string,
    (token?: string) => Promise<{ items: { metadata?: { name?: string; namespace?: string } }[] }>,
  ][] = [
    [
      "batch/v1",
      "Job",
      (t) => kube.batch.listJobForAllNamespaces({ labelSelector, limit: PAGE_SIZE, _continue: t }),
    ],
    [
      "apps/v1",
      "Deployment",
      (t) =>
        kube.apps.listDeploymentForAllNamespaces({ labelSelector, limit: PAGE_SIZE, _continue: t }),
    ],
    [
      "v1",
      "Service",
      (t) =>
        kube.core.listServiceForAllNamespaces({ labelSelector, limit: PAGE_SIZE, _continue: t }),
    ],
    [
      "v1",
      "ConfigMap",
      (t) =>
        kube.core.listConfigMapForAllNamespaces({ labelSelector, limit: PAGE_SIZE, _continue: t }),
    ],
    [
      "v1",
      "ServiceAccount",
      (t) =>
        kube.core.listServiceAccountForAllNamespaces({
          labelSelector,
          limit: PAGE_SIZE,
          _continue: t,
        }),
    ],
  ];
  const namespaces = await kube
    .call("list meshbench namespaces", () =>
      listAll((t) => kube.core.listNamespace({ labelSelector, limit: PAGE_SIZE, _continue: t })),
    )
    .catch((error: Error) => {
      report.failures.push(error.message);
      return [];
    });
  const ours = new Set(namespaces.map((n) => n.metadata?.name));
  for (const [apiVersion, kind, page] of kinds) {
    const items = await kube
      .call(`list ${kind}s labelled ${labelSelector}`, () => listAll(page))
      .catch((error: Error) => {
        report.failures.push(error.message);
        return [];
      });
    for (const o of items) {
      const { name, namespace } = o.metadata ?? {};
      if (!name || !namespace || ours.has(namespace)) continue;
      const spec = { apiVersion, kind, metadata: { name, namespace } };
      const done = await attempt(`delete ${kind} ${namespace}/${name}`, () =>
        kube.call(`delete ${kind} ${namespace}/${name}`, () =>
          kube.objects.delete(spec, undefined, undefined, undefined, undefined, "Background"),
        ),
      );
      if (done) report.objects.push(`${kind} ${namespace}/${name}`);
    }
  }

  for (const { apiVersion, kind } of await clusterScopedKinds(kube).catch((error: Error) => {
    report.failures.push(`discover cluster-scoped kinds: ${error.message}`);
    return [];
  })) {
    const items = await listObjects(kube, apiVersion, kind, labelSelector).catch((error: Error) => {
      // Kinds this identity may not list, or that went away meanwhile, hold nothing of ours.
      if (![403, 404, 405].includes(codeOf(error) ?? 0)) report.failures.push(error.message);
      return [];
    });
    for (const o of items) {
      const name = o.metadata?.name;
      if (!name) continue;
      if (kind === "CustomResourceDefinition" && !(await emptyDefinition(o))) continue;
      const spec = { apiVersion, kind, metadata: { name } };
      const done = await attempt(`delete ${kind} ${name}`, () =>
        kube.call(`delete ${kind} ${name}`, () =>
          kube.objects.delete(spec, undefined, undefined, undefined, undefined, "Background"),
        ),
      );
      if (done) report.objects.push(`${kind} ${name}`);
    }
  }

  /**
   * Deleting a definition deletes every custom resource of its kind, whoever made them:
   * meshbench's go first (reported); while any other is there, the definition is kept and
   * that is reported instead. Returns whether the definition may go now.
   */
  async function emptyDefinition(crd: KubernetesObject): Promise<boolean> {
    const name = crd.metadata?.name ?? "";
    const held = await definedResources(kube, crd as Definition).catch((error: Error) => {
      if (![403, 404, 405].includes(codeOf(error) ?? 0))
        report.failures.push(`list the objects of ${name}: ${error.message}`);
      return [];
    });
    // meshbench's (this run's, with a run id): another run's stay, as anyone else's do.
    const mine = (o: KubernetesObject) =>
      isMeshbenchs(o) && (!options.runId || o.metadata?.labels?.[RUN_ID] === options.runId);
    for (const o of held.filter(mine)) {
      const done = await attempt(`delete ${o.kind} ${objectName(o)}`, () =>
        kube.call(`delete ${o.kind} ${objectName(o)}`, () =>
          kube.objects.delete(o, undefined, undefined, undefined, undefined, "Background"),
        ),
      );
      if (done) report.objects.push(`${o.kind} ${objectName(o)}`);
    }
    const theirs = held.filter((o) => !mine(o));
    if (theirs.length > 0) {
      const names = theirs.slice(0, 3).map(objectName);
      report.failures.push(
        `kept CustomResourceDefinition ${name}: deleting it would delete ${theirs.length} ${(crd as Definition).spec?.names.kind} object(s) that are not ${options.runId ? "this run's" : "meshbench's"} (${names.join(", ")}${theirs.length > 3 ? ", …" : ""}); delete it yourself once they may go`,
      );
      return false;
    }
    return true;
  }

  // Reported: the namespaces this call deleted. Waited for: those and the ones already
  // terminating (a mesh's uninstall may have deleted its own namespace just before).
  const waitFor: string[] = [];
  for (const ns of namespaces) {
    const name = ns.metadata?.name;
    if (!name) continue;
    waitFor.push(name);
    if (ns.metadata?.deletionTimestamp) continue; // already terminating
    report.namespaces.push(name);
    await attempt(`delete namespace ${name}`, () =>
      kube.call(`delete namespace ${name}`, () =>
        kube.core.deleteNamespace({ name, propagationPolicy: "Background" }),
      ),
    );
  }

  const deadline = Date.now() + (options.waitMs ?? 0);
  let left = waitFor;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    const still = await kube
      .call("list meshbench namespaces", () =>
        listAll((t) => kube.core.listNamespace({ labelSelector, limit: PAGE_SIZE, _continue: t })),
      )
      .catch(() => null);
    if (still) left = still.map((n) => n.metadata?.name ?? "").filter((n) => left.includes(n));
  }
  report.stillTerminating = (options.waitMs ?? 0) > 0 ? left : [];
  return report;
}

interface Definition extends KubernetesObject {
  spec?: {
    group: string;
    names: { kind: string };
    versions: { name: string; storage?: boolean }[];
  };
}

const objectName = (o: KubernetesObject) =>
  o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata?.name ?? "");

/** Every object of a definition's kind, in every namespace, at its storage version. */
async function definedResources(kube: Kube, crd: Definition): Promise<KubernetesObject[]> {
  const { group, names, versions = [] } = crd.spec ?? {};
  const version = (versions.find((v) => v.storage) ?? versions[0])?.name;
  if (!group || !names?.kind || !version) return []; // serves nothing
  const apiVersion = `${group}/${version}`;
  const items = await listObjects(kube, apiVersion, names.kind);
  return items.map((o) => ({ ...o, apiVersion, kind: names.kind }));
}

const codeOf = (error: unknown): number | null =>
  error instanceof KubeError ? error.code : (statusOf(error)?.code ?? null);

/** Never swept by label: namespaces go whole below; nodes are only unlabelled and untainted. */
const NOT_SWEPT = new Set(["Namespace", "Node"]);
/** Admission webhooks go first: one whose service is gone could block the deletions after it. */
const FIRST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService"];

/**
 * Every cluster-scoped kind of the API groups (preferred versions) that can be listed and deleted.
 */
export async function clusterScopedKinds(
  kube: Kube,
): Promise<{ apiVersion: string; kind: string }[]> {
  const groups = await kube.call("list API groups", () =>
    kube.config.makeApiClient(ApisApi).getAPIVersions(),
  );
  const custom = kube.config.makeApiClient(CustomObjectsApi);
  const out: { apiVersion: string; kind: string }[] = [];
  for (const g of groups.groups) {
    const gv = g.preferredVersion ?? g.versions[0];
    if (!gv || g.name === "metrics.k8s.io") continue;
    const resources = await kube
      .call(`list resources of ${gv.groupVersion}`, () =>
        custom.getAPIResources({ group: g.name, version: gv.version }),
      )
      .catch(() => null); // an aggregated API that is down: nothing of ours to sweep there
    for (const r of resources?.resources ?? []) {
      if (r.namespaced || r.name.includes("/") || NOT_SWEPT.has(r.kind)) continue;
      if (!r.verbs.includes("list") || !r.verbs.includes("delete")) continue;
      out.push({ apiVersion: gv.groupVersion, kind: r.kind });
    }
  }
  const rank = (k: string) => (FIRST.includes(k) ? FIRST.indexOf(k) : FIRST.length);
  return out.sort((a, b) => rank(a.kind) - rank(b.kind));
}
