// The pod endpoints that are not plain objects: GET .../pods/<name>/log (whole, tailed,
// timestamped, or followed until the container ends) with the kubelet's errors for a
// container that is not there or not started, and metrics.k8s.io PodMetrics computed from
// the running pods with the usage the test provides.
import type { ServerResponse } from "node:http";
import type { SeenRequest, ServerState } from "./server.ts";
import { badRequest, notFound } from "./status.ts";
import { resourceOf } from "./store.ts";

export async function podLog(
  state: ServerState,
  res: ServerResponse,
  ns: string,
  name: string,
  q: URLSearchParams,
  seen: SeenRequest,
): Promise<void> {
  const pod = state.store.get(resourceOf("pods"), ns, name);
  if (!pod) throw notFound("", "pods", name);
  const names = (pod.spec.containers as { name: string }[]).map((c) => c.name);
  let container = q.get("container");
  if (!container) {
    if (names.length > 1)
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`,
      );
    container = names[0]!;
  }
  if (!names.includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  const status = (pod.status?.containerStatuses ?? []).find(
    (c: { name: string }) => c.name === container,
  );
  if (!status || status.state?.waiting)
    throw badRequest(
      `container "${container}" in pod "${name}" is waiting to start: ${status?.state?.waiting?.reason ?? "ContainerCreating"}`,
    );
  seen.code = 200;
  res.writeHead(200, { "content-type": "text/plain", "transfer-encoding": "chunked" });
  // As the API server does for a stream: the answer starts now, lines follow when there are any.
  res.flushHeaders();
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  await state.logs.stream(
    ns,
    name,
    container,
    {
      follow: q.get("follow") === "true",
      timestamps: q.get("timestamps") === "true",
      tailLines: q.has("tailLines") ? Number(q.get("tailLines")) : null,
    },
    (chunk) => res.write(chunk),
    abort.signal,
  );
  res.end();
}

export function podMetrics(state: ServerState, ns: string | undefined, name: string | undefined) {
  const pods = state.store
    .list(resourceOf("pods"), ns)
    .filter((p) => p.status?.phase === "Running");
  const items = pods.flatMap((p) => {
    const containers = (
      p.status.containerStatuses as { name: string; state: { running?: unknown } }[]
    )
      .filter((c) => c.state.running)
      .flatMap((c) => {
        const usage = state.usage(p, c.name);
        return usage ? [{ name: c.name, usage }] : [];
      });
    if (containers.length === 0) return [];
    const { timestamp, window } = state.metricsWindow(p);
    return [
      {
        kind: "PodMetrics",
        apiVersion: "metrics.k8s.io/v1beta1",
        metadata: {
          name: p.metadata.name,
          namespace: p.metadata.namespace,
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          labels: p.metadata.labels ?? {},
        },
        // metav1.Time: whole seconds, as a real metrics-server writes it.
        timestamp: timestamp.toISOString().replace(/\.\d+Z$/, "Z"),
        window,
        containers,
      },
    ];
  });
  if (name) {
    const one = items.find((i) => i.metadata.name === name);
    if (!one) throw notFound("metrics.k8s.io", "pods", name);
    return one;
  }
  return { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items };
}
