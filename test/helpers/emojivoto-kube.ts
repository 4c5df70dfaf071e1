// Emojivoto deployed on a (fake) cluster and waited for: what the cluster tests do before
// the part they test.
import { applyObjects } from "../../src/kube/apply.ts";
import type { Kube } from "../../src/kube/client.ts";
import { waitForReady } from "../../src/platform/kubernetes/ready.ts";
import { emojivotoManifests } from "../../src/workload/emojivoto/kubernetes.ts";
import { type FakeKube, resourceOf } from "./fake-kube/index.ts";

export interface DeployOptions {
  instances?: number;
  /** Namespaces annotated for Linkerd's injection, and every pod awaited with its proxy. */
  linkerd?: boolean;
  timeoutMs?: number;
}

/** Applies `instances` instances of Emojivoto for run `runId`; resolves to their Ready pods. */
export async function deployEmojivoto(
  kube: Kube,
  runId: string,
  { instances = 1, linkerd = false, timeoutMs = 5000 }: DeployOptions = {},
) {
  const namespaceAnnotations = linkerd ? { "linkerd.io/inject": "enabled" } : undefined;
  await applyObjects(kube, emojivotoManifests({ instances, namespaceAnnotations }), runId);
  return waitForReady(kube, {
    namespaces: Array.from({ length: instances }, (_, k) => `emojivoto-${k + 1}`),
    expectContainers: linkerd ? ["linkerd-proxy"] : undefined,
    timeoutMs,
    pollMs: 50,
  });
}

/** In 700 ms, restarts the web container of Emojivoto's first instance, as a crash would. */
export function restartWebSoon(f: FakeKube): void {
  const web = f.store
    .list(resourceOf("pods"), "emojivoto-1")
    .find((x) => x.metadata.name.startsWith("web-"))!;
  setTimeout(() => f.controller.restartContainer("emojivoto-1", web.metadata.name, "web-svc"), 700);
}
