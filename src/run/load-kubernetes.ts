// Loads the Kubernetes half of meshbench (src/platform/kubernetes/entry.ts) when a cluster is used:
// from src/ as a module, from a bundle as dist/kubernetes.js beside it (dist/cli.js and
// dist/action.js alike). The two
// bundles share no module instances, so nothing that crosses between them may rely on
// instanceof (errors are told apart by name: see exit.ts).
export type KubernetesModule = typeof import("../platform/kubernetes/entry.ts");

export async function loadKubernetes(): Promise<KubernetesModule> {
  const bundled = typeof MESHBENCH_BUNDLE !== "undefined" && MESHBENCH_BUNDLE;
  // A computed specifier, so that esbuild does not pull the module into dist/cli.js;
  // Node resolves it next to this file.
  const file = new URL(
    bundled ? "./kubernetes.js" : "../platform/kubernetes/entry.ts",
    import.meta.url,
  );
  try {
    return (await import(file.href)) as KubernetesModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && bundled)
      throw new Error(
        `${file.pathname} is missing: the Kubernetes platform ships beside cli.js in dist/ (copy the whole directory)`,
      );
    throw error;
  }
}
