// `meshbench workload up`: Emojivoto ×N on this machine, with or without a local mesh's
// sidecars, until Ctrl-C; then everything it started is stopped. For trying the app and
// a mesh by hand (open the printed URL), and the way tests drive the local platform's
// cleanup from outside. Prints one machine-readable line (`meshbench-up {…}`) with every
// process, its pid and port.
import { findMeshDefinition, meshSearchPath } from "../mesh/load.ts";
import { LocalPlatform } from "../platform/local/platform.ts";
import { cleanupOnSignals } from "../platform/signals.ts";
import { numberFlag, parseFlags, stringFlags } from "./usage.ts";

export const WORKLOAD_UP_HELP = `meshbench workload up — Emojivoto on this machine until Ctrl-C

Usage:
  meshbench workload up [--instances N] [--mesh NAME|FILE] [--meshes DIR ...]

  --instances N    copies of the app: web-1, emoji-1, voting-1 … (default 1)
  --mesh NAME      a mesh definition by name (scenarios/meshes/NAME.yaml) or a file;
                   default bare (no sidecars)
  --meshes DIR     look for mesh definitions here first (repeatable)

Every service is its own process on a free loopback port; with a sidecar mesh each one
has its proxy in front. Prints each instance's URL; Ctrl-C (or SIGTERM) stops them all.
`;

const FLAGS = {
  ...stringFlags("instances", "mesh"),
  meshes: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

export async function workloadUpCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("workload up", argv, FLAGS);
  if (values.help) {
    process.stdout.write(WORKLOAD_UP_HELP);
    return 0;
  }
  const instances =
    values.instances === undefined
      ? 1
      : numberFlag("instances", values.instances, { integer: true, min: 1, max: 200 });
  const mesh = await findMeshDefinition(
    values.mesh ?? "bare",
    meshSearchPath(undefined, values.meshes),
  );

  const platform = new LocalPlatform();
  const stopped = new AbortController();
  const removeHandlers = cleanupOnSignals({
    cleanup: async () => {
      stopped.abort();
      await platform.cleanup();
    },
    emergency: () => platform.killAllNow(),
    log: (line) => process.stderr.write(`meshbench: ${line}\n`),
  });
  try {
    await platform.prepare({
      runId: `up-${process.pid}`,
      signal: stopped.signal,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const check = await platform.checkMesh(mesh);
    if (!check.ok) {
      process.stderr.write(`meshbench: mesh ${mesh.name} cannot run here: ${check.reason}\n`);
      return 1;
    }
    await platform.installMesh(mesh, null);
    let deployment: Awaited<ReturnType<LocalPlatform["deployWorkload"]>>;
    try {
      deployment = await platform.deployWorkload({ app: "emojivoto", instances });
    } catch (error) {
      process.stderr.write(`meshbench: the workload did not start: ${(error as Error).message}\n`);
      return 1;
    }
    for (const i of deployment.instances) process.stdout.write(`${i.name}  ${i.baseUrl}\n`);
    process.stdout.write(
      `meshbench-up ${JSON.stringify({ mesh: mesh.name, instances: deployment.instances, processes: platform.processes() })}\n`,
    );
    process.stderr.write("Ctrl-C to stop\n");
    // Runs until a signal; the handler cleans up and exits.
    await new Promise<never>(() => {
      setInterval(() => {}, 1 << 30);
    });
    return 0;
  } finally {
    await platform.cleanup();
    removeHandlers();
  }
}
