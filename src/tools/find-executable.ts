// Where a program is: the one place that reads the PATH. A relative PATH entry is taken
// from the current directory, as a shell would (destroy may run from elsewhere later).
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, resolve } from "node:path";

/** The absolute path of the first executable file `name` on `pathEnv`, or undefined. */
export function findExecutable(
  name: string,
  pathEnv: string = process.env.PATH ?? "",
): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = resolve(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
