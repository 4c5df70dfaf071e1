// The connection to a cluster: a KubeConfig from a file, from KUBECONFIG-style content,
// or the usual default, with an optional context; and the API clients meshbench uses,
// every call of which goes through `call` (retries on 429/5xx only, errors in words).
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from "@kubernetes/client-node";
import { ObjectApi } from "./object-api.ts";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "./retry.ts";

export interface KubeSource {
  /** Path of a kubeconfig file. */
  path?: string;
  /** The kubeconfig's content itself (YAML), as an Action input or secret gives it. */
  content?: string;
  /** A context of the kubeconfig other than its current one. */
  context?: string;
}

export interface Kube {
  config: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  /** client-node's KubernetesObjectApi, plus an apply that sends objects unchanged. */
  objects: ObjectApi;
  /**
   * Custom and aggregated APIs (metrics.k8s.io). Not client-node's Metrics: it parses every
   * answer as JSON and so turns the aggregator's plain-text 503 into a 500.
   */
  custom: CustomObjectsApi;
  /** Runs one API call with retries (the policy adjustable per call); failures name `what`. */
  call<T>(what: string, fn: () => Promise<T>, adjust?: Partial<RetryPolicy>): Promise<T>;
}

export function loadKubeConfig(source: KubeSource = {}): KubeConfig {
  const kc = new KubeConfig();
  if (source.content !== undefined) kc.loadFromString(source.content);
  else if (source.path !== undefined) kc.loadFromFile(source.path);
  // KUBECONFIG's files merged; as with kubectl, the first file's current-context wins.
  else kc.loadFromDefault(undefined, true);
  if (source.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(source.context)) {
      throw new Error(
        `kubeconfig context "${source.context}" does not exist; contexts: ${names.join(", ") || "(none)"}`,
      );
    }
    kc.setCurrentContext(source.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error("kubeconfig has no current cluster: set current-context or pass a context");
  }
  return kc;
}

export function connect(
  source: KubeSource | KubeConfig = {},
  retry: Partial<RetryPolicy> = {},
): Kube {
  const config = source instanceof KubeConfig ? source : loadKubeConfig(source);
  const policy = { ...DEFAULT_RETRY, ...retry };
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    batch: config.makeApiClient(BatchV1Api),
    objects: ObjectApi.make(config),
    custom: config.makeApiClient(CustomObjectsApi),
    call: (what, fn, adjust) => withRetry(what, fn, adjust ? { ...policy, ...adjust } : policy),
  };
}
