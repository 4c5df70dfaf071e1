// Finding and reading mesh definitions. A scenario names meshes; each name is looked up
// as <dir>/<name>.yaml along a search path: directories given explicitly, then meshes/
// beside the scenario file, then meshbench's own scenarios/meshes/. The first found wins,
// so a project can override a built-in definition.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadedScenario } from "../scenario/load.ts";
import { PlanError } from "../scenario/plan.ts";
import { ConfigError, type Problem } from "../scenario/problems.ts";
import { didYouMean } from "../scenario/suggest.ts";
import { validateSource } from "../scenario/validate.ts";
import { readYamlSource } from "../scenario/yaml-source.ts";
import { MESH_FIELDS, type MeshDefinition, meshFileSchema } from "./schema.ts";

/** meshbench's own definitions: scenarios/meshes/ at the package root. */
export function builtinMeshDir(): string {
  // dist/cli.js and src/mesh/load.ts sit at different depths below the package root.
  const up = typeof MESHBENCH_BUNDLE !== "undefined" && MESHBENCH_BUNDLE ? "../" : "../../";
  return fileURLToPath(new URL(`${up}scenarios/meshes/`, import.meta.url));
}

export function meshSearchPath(scenarioFile?: string, extra: readonly string[] = []): string[] {
  const dirs = [...extra];
  if (scenarioFile) dirs.push(join(dirname(scenarioFile), "meshes"));
  dirs.push(builtinMeshDir());
  return dirs.map((d) => resolve(d)).filter((d, i, all) => all.indexOf(d) === i);
}

export function parseMeshDefinition(file: string, text: string): MeshDefinition {
  const source = readYamlSource(file, text);
  const raw = validateSource(meshFileSchema, source, MESH_FIELDS);
  const fromFile = basename(file, extname(file));
  const name = raw.name ?? fromFile;
  if (name !== fromFile) {
    throw new ConfigError([
      {
        file,
        ...source.at(["name"]),
        message: `name: "${name}" differs from the file's name; a definition is found by its file name, so name it ${name}.yaml (or leave name out)`,
      },
    ]);
  }
  return { ...raw, name, file };
}

export async function loadMeshDefinition(file: string): Promise<MeshDefinition> {
  return parseMeshDefinition(file, await readFile(file, "utf8"));
}

/** Directories as a person reads them: relative to here when below here. */
function showDirs(dirs: readonly string[]): string {
  return dirs
    .map((d) => {
      const r = relative(process.cwd(), d);
      return r === "" ? "." : r.startsWith("..") || isAbsolute(r) ? d : r;
    })
    .join(", ");
}

async function definedNames(dirs: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of dirs) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const entry of entries) {
      if (/\.ya?ml$/.test(entry)) names.add(entry.replace(/\.ya?ml$/, ""));
    }
  }
  return [...names].sort();
}

function findFile(dirs: readonly string[], name: string): string | undefined {
  for (const dir of dirs) {
    for (const ext of [".yaml", ".yml"]) {
      const file = join(dir, `${name}${ext}`);
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

/**
 * One definition by name along the search path, or from a file when `nameOrFile` is a
 * path (ends in .yaml/.yml or holds a /).
 */
export async function findMeshDefinition(
  nameOrFile: string,
  dirs: readonly string[],
): Promise<MeshDefinition> {
  if (/\.ya?ml$|\//.test(nameOrFile)) return loadMeshDefinition(nameOrFile);
  const file = findFile(dirs, nameOrFile);
  if (!file) {
    const known = await definedNames(dirs);
    throw new PlanError(
      `no mesh definition named "${nameOrFile}"${didYouMean(nameOrFile, known)}; defined: ${known.join(", ") || "none"} (in ${showDirs(dirs)})`,
    );
  }
  return loadMeshDefinition(file);
}

/**
 * The definition of every mesh the scenario lists, by name. An unknown name is an
 * error at its place in the scenario file, with the names that do exist.
 */
export async function resolveMeshes(
  loaded: LoadedScenario,
  dirs: readonly string[],
): Promise<Map<string, MeshDefinition>> {
  const { scenario, source } = loaded;
  const found = new Map<string, MeshDefinition>();
  const problems: Problem[] = [];
  for (const [i, ref] of scenario.meshes.entries()) {
    if (found.has(ref.name)) continue;
    const file = findFile(dirs, ref.name);
    if (!file) {
      const known = await definedNames(dirs);
      problems.push({
        file: source.file,
        ...source.at(["meshes", i]),
        message:
          `meshes[${i}]: no mesh definition named "${ref.name}"${didYouMean(ref.name, known)};` +
          ` defined: ${known.join(", ") || "none"} (looked for ${ref.name}.yaml in ${showDirs(dirs)})`,
      });
      continue;
    }
    try {
      found.set(ref.name, await loadMeshDefinition(file));
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return found;
}
