// The Kubernetes half of the CLI, bundled apart as dist/kubernetes.js (scripts/bundle.ts):
// client-node, kubernetes-models and their HTTP stack are megabytes that every other
// meshbench process (the local platform's services, the load generator, a report) would
// otherwise parse and carry. `meshbench run` on a cluster and `meshbench cleanup` load it
// through src/run/load-kubernetes.ts, as does the Action (its post step deletes a kind cluster).
export { deleteKindCluster } from "../../provision/kind.ts";
export { providerFor } from "../../provision/provider-for.ts";
export { cleanupCluster, describeCleanup } from "./cleanup-cluster.ts";
export { KubernetesPlatform } from "./platform.ts";
export { localChecks } from "./preflight.ts";
