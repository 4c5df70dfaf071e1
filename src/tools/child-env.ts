// The environment every program meshbench starts gets (kind, mesh CLIs, helm, sidecars,
// its own services and load generator, the reaper), built here and nowhere else: an
// allowlist, not the parent's whole environment. In a workflow the parent holds
// GITHUB_TOKEN, ACTIONS_RUNTIME_TOKEN, INPUT_* and cloud credentials, and a child (a mesh's
// install step, a proxy) has no business seeing them (README, "Trust model"). Terraform
// is the exception and does not come here: its providers need the cloud credentials.

/** Names passed when set: what a Unix program, a proxy user, and the tools need. */
export const CHILD_ENV_NAMES: readonly string[] = [
  // Any program: where things are, who it runs as, the locale and time zone.
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "TMPDIR",
  "TZ",
  "LANG",
  "LANGUAGE",
  "NO_COLOR",
  "XDG_CACHE_HOME",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_RUNTIME_DIR", // rootless Docker and Podman keep their socket there
  // Behind a proxy, or a TLS-inspecting one.
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NODE_EXTRA_CA_CERTS",
  // The cluster, for kubectl, helm and the mesh CLIs.
  "KUBECONFIG",
  // kind: which container engine, and where its daemon is.
  "DOCKER_HOST",
  "DOCKER_CONTEXT",
  "DOCKER_CONFIG",
  "DOCKER_CERT_PATH",
  "DOCKER_TLS_VERIFY",
  "CONTAINER_HOST", // podman
  "KIND_EXPERIMENTAL_PROVIDER",
  "KIND_EXPERIMENTAL_DOCKER_NETWORK",
  // helm: its own directories (not HELM_KUBETOKEN or the SQL driver's connection string).
  "HELM_CACHE_HOME",
  "HELM_CONFIG_HOME",
  "HELM_DATA_HOME",
  "HELM_PLUGINS",
  "HELM_REGISTRY_CONFIG",
  "HELM_REPOSITORY_CACHE",
  "HELM_REPOSITORY_CONFIG",
  // The list below, so that meshbench's own children pass on what the user added.
  "MESHBENCH_PASS_ENV",
];
/** Prefixes passed: the locale categories (LC_ALL, LC_CTYPE, …). */
export const CHILD_ENV_PREFIXES: readonly string[] = ["LC_"];
/**
 * Names a user adds (comma- or space-separated), for what the list cannot know: a
 * kubeconfig whose exec plugin needs AWS_PROFILE, a fake tool's settings in a test.
 */
export const PASS_ENV = "MESHBENCH_PASS_ENV";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The names `from[PASS_ENV]` lists; a name that is not one is an error naming it. */
export function passedNames(from: NodeJS.ProcessEnv): string[] {
  const names = (from[PASS_ENV] ?? "").split(/[\s,]+/).filter(Boolean);
  const bad = names.find((n) => !NAME.test(n));
  if (bad !== undefined)
    throw new Error(
      `${PASS_ENV}: ${JSON.stringify(bad)} is not a variable name; allowed: names such as AWS_PROFILE, separated by commas or spaces`,
    );
  return names;
}

/**
 * A child's environment: the allowlisted variables of `from` (default process.env), those
 * `from` names in MESHBENCH_PASS_ENV, then `extra` (what meshbench itself sets for this
 * child). Pure.
 */
export function childEnv(
  from: NodeJS.ProcessEnv = process.env,
  extra: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const passed = new Set([...CHILD_ENV_NAMES, ...passedNames(from)]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined) continue;
    if (passed.has(name) || CHILD_ENV_PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  }
  return { ...env, ...extra };
}
