// The Kubernetes half of the CLI, bundled apart as dist/kubernetes.js (scripts/bundle.ts):
// client-node, kubernetes-models and their HTTP stack are megabytes that every other
// meshbench process (the local platform's services, the load generator, a report) would
// otherwise parse and carry. `meshbench run` on a cluster and `meshbench cleanup` load it
// through src/run/load-kubernetes.ts, as does the Action (its post step deletes a kind cluster).
export { KubernetesPlatform } from "../platform/kubernetes/platform.ts";
export { deleteKindCluster } from "../provision/kind.ts";
export { cleanupCommand } from "./cleanup.ts";
