// Pod logs: read whole once a container has ended, or followed line by line while it
// runs (the load generator's progress lines, relayed to the person watching).
import { Writable } from "node:stream";
import { Log } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";

export async function readLog(
  kube: Kube,
  namespace: string,
  pod: string,
  container: string,
): Promise<string> {
  return kube.call(`read log of ${namespace}/${pod} (${container})`, () =>
    kube.core.readNamespacedPodLog({ namespace, name: pod, container }),
  );
}

/** Calls onLine for every line until the container ends or `signal` aborts. */
export async function followLog(
  kube: Kube,
  namespace: string,
  pod: string,
  container: string,
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  let partial = "";
  const done = new Promise<void>((resolve, reject) => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const lines = (partial + chunk.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) onLine(line);
        callback();
      },
      final(callback) {
        if (partial) onLine(partial);
        callback();
        resolve();
      },
    });
    sink.on("error", reject);
    sink.on("close", resolve);
    // client-node pipes the response into the sink and listens for no errors on it: an
    // aborted or broken stream would be an uncaught 'error'. The sink is told its source.
    sink.on("pipe", (source) =>
      source.on("error", (error: Error) => (signal?.aborted ? resolve() : reject(error))),
    );
    // Stop at once when told, even before the stream has begun (the request cannot be
    // aborted until client-node hands out its controller; it is aborted then).
    signal?.addEventListener("abort", () => resolve(), { once: true });
    new Log(kube.config)
      .log(namespace, pod, container, sink, { follow: true })
      .then((controller) => {
        if (signal?.aborted) controller.abort();
        signal?.addEventListener("abort", () => controller.abort(), { once: true });
      })
      .catch((error) => (signal?.aborted ? resolve() : reject(error)));
  });
  await done;
}
