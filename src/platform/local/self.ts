// How the local platform starts meshbench's own processes (Emojivoto services, the load
// generator): this Node, running the CLI. From a bundle that is dist/cli.js, which must
// sit beside the bundle that runs this code (it is that bundle, for the CLI); from
// sources, src/cli/main.ts (Node 24 runs TypeScript directly).
import { fileURLToPath } from "node:url";

export function selfCommand(): { command: string; args: string[] } {
  const entry =
    typeof MESHBENCH_BUNDLE !== "undefined" && MESHBENCH_BUNDLE
      ? new URL("./cli.js", import.meta.url)
      : new URL("../../cli/main.ts", import.meta.url);
  return { command: process.execPath, args: [fileURLToPath(entry)] };
}
