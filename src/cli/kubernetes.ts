// The Kubernetes half of the CLI, bundled apart as dist/kubernetes.js (scripts/bundle.ts):
// client-node, kubernetes-models and their HTTP stack are megabytes that every other
// meshbench process (the local platform's services, the load generator, a report) would
// otherwise parse and carry. `meshbench run` on a cluster and `meshbench cleanup` load it
// through load-kubernetes.ts; nothing else does.
export { KubernetesPlatform } from "../platform/kubernetes/platform.ts";
export { cleanupCommand } from "./cleanup.ts";
