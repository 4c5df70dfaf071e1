// Lists that page through continue tokens, so a big cluster's answer never has to fit in
// one response (and the API server's own page limit never truncates it silently).
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Kube } from "./client.ts";

export interface Page<T> {
  items: T[];
  metadata?: { _continue?: string; continue?: string };
}

export const PAGE_SIZE = 250;

/** Calls `page` with each continue token until the server gives none. */
export async function listAll<T>(
  page: (token: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const p = await page(token);
    items.push(...p.items);
    token = p.metadata?._continue ?? p.metadata?.continue;
    if (!token) return items;
  }
  throw new Error("list did not end after 10,000 pages");
}

/**
 * Every object of a kind (in every namespace for a namespaced one), optionally only those
 * a label selector picks, page by page; `what` names the request in errors.
 */
export function listObjects(
  kube: Kube,
  apiVersion: string,
  kind: string,
  labelSelector?: string,
): Promise<KubernetesObject[]> {
  const what = `list ${kind}s${labelSelector ? ` labelled ${labelSelector}` : ""}`;
  return kube.call(what, () =>
    listAll((t) =>
      kube.objects.list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
        PAGE_SIZE,
        t,
      ),
    ),
  );
}
