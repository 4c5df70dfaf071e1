// The help of `meshbench cleanup`, apart from the command itself, which lives in the
// Kubernetes half of the CLI (kubernetes.ts) that `meshbench --help` should not load.
export const CLEANUP_HELP = `meshbench cleanup — remove what earlier (killed) runs left on a cluster or bare metal

Usage:
  meshbench cleanup [--kubeconfig PATH] [--context NAME] [--run-id ID] [--meshes DIR ...]
                    [--wait DURATION]
  meshbench cleanup --provider terraform [--state-dir DIR ... | --root DIR] [--all]

  --kubeconfig PATH  the cluster's kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME     a context of that kubeconfig other than its current one
  --run-id ID        only what this run created (default: every run's)
  --meshes DIR       look for mesh definitions here first (repeatable), to uninstall a
                     mesh a run installed; then meshbench's own scenarios/meshes/
  --wait DURATION    how long to wait for namespaces to be gone (default 5m; 0s: do not wait)

It uninstalls every mesh a meshbench run installed (running the definition's uninstall
steps), deletes everything labelled app.kubernetes.io/managed-by=meshbench (namespaces,
objects elsewhere, cluster-scoped objects such as a mesh's CRDs), and removes the
load-generator label and taint (meshbench.io/loadgen) from nodes. Anything else on the
cluster is left alone. Prints what it removed.

With --provider terraform it destroys the bare-metal clusters of earlier runs (provider
terraform) from their state directories (default root ~/.local/state/meshbench/terraform,
or --state-dir for one run's): those past their maxLifetime, those whose meshbench process
is gone, and those whose destroy failed; --all destroys the clusters of running meshbench
processes too. A destroy is retried; one that still fails is reported with what is
probably still running and how to remove it.

Exit status: 0 done (or nothing to do), 1 something could not be removed (listed), 2 bad arguments.
`;
