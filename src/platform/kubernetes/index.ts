// The Kubernetes platform's building blocks, for the platform interface (src/run/) to
// drive: connect, reserve the load-generator node, apply the workload, wait ready, run
// and collect the load generator, sample resources, clean up.
export { applyObjects, applyUnlabelled, deleteObject, FIELD_MANAGER, labelled } from "./apply.ts";
export { type Classifier, type ContainerClass, classify } from "./classify.ts";
export { type CleanupOptions, type CleanupReport, cleanup } from "./cleanup.ts";
export { connect, type Kube, type KubeSource, loadKubeConfig } from "./client.ts";
export { isConflict, isNotFound, KubeError, statusOf } from "./errors.ts";
export { cleanupOnSignal, type InterruptOptions } from "./interrupt.ts";
export {
  COMPONENT,
  LOADGEN_NODE,
  MANAGED_BY,
  managedSelector,
  newRunId,
  RUN_ID,
  runLabels,
} from "./labels.ts";
export {
  collectLoadgen,
  DEFAULT_START_LEAD_MS,
  LoadgenFailedError,
  type LoadgenResults,
  type PodResults,
  type StartedLoadgen,
  startLoadgen,
  waitForLoadgen,
} from "./loadgen-job.ts";
export {
  LOADGEN_CONTAINER,
  LOADGEN_NAMESPACE,
  type LoadgenJobOptions,
  loadgenManifests,
} from "./loadgen-manifests.ts";
export { pickLoadgenNode, releaseLoadgenNodes, reserveLoadgenNode } from "./loadgen-node.ts";
export { followLog, readLog } from "./logs.ts";
export { checked, ValueError } from "./names.ts";
export { NotReadyError, type ReadyOptions, waitForReady } from "./ready.ts";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry.ts";
export {
  NO_METRICS_NOTICE,
  type ResourceEvent,
  type ResourceSample,
  ResourceSampler,
  type SamplerOptions,
  type SamplerOutput,
} from "./sampler.ts";
