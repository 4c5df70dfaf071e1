// The import graph of src/ and the room rule of ARCHITECTURE.md, as pure functions over
// file texts, so that the rule can be checked on the real tree and on a made-up one.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";

export interface Import {
  from: string;
  to: string;
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)|^import\s+["'](\.{1,2}\/[^"']+)["']/gm;

/** Every relative import of each file, resolved to a path relative to the source root. */
export function importsOf(files: ReadonlyMap<string, string>): Import[] {
  const out: Import[] = [];
  for (const [from, text] of files) {
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec) continue;
      const to = relative("/", resolve("/", dirname(from), spec));
      if (to.startsWith("..")) continue; // outside src/ (package.json)
      out.push({ from, to });
    }
  }
  return out;
}

/** The room a file belongs to: its first folder, or platform/<name>; "(root)" for src/*.ts. */
export function roomOf(path: string): string {
  const parts = path.split("/");
  if (parts.length === 1) return "(root)";
  if (parts[0] === "platform" && parts.length > 2) return `platform/${parts[1]}`;
  return parts[0]!;
}

/**
 * The layout table of ARCHITECTURE.md: rows `| N | \`room/\`, \`room/\` | … |`, a room
 * imports only rooms of a lower N (and itself).
 */
export function parseLayout(markdown: string): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const line of markdown.split("\n")) {
    const row = /^\|\s*(\d+)\s*\|([^|]*)\|/.exec(line);
    if (!row) continue;
    for (const room of row[2]!.matchAll(/`([^`]+)`/g)) {
      const name = room[1]!.replace(/\/$/, "").replace(/^src\//, "");
      ranks.set(name === "version.ts" ? "(root)" : name, Number(row[1]));
    }
  }
  return ranks;
}

/** Imports that break the rule, and rooms the table does not place, as readable lines. */
export function layoutViolations(imports: Import[], ranks: ReadonlyMap<string, number>): string[] {
  const problems = new Set<string>();
  for (const { from, to } of imports) {
    const a = roomOf(from);
    const b = roomOf(to);
    if (a === b) continue;
    const ra = ranks.get(a);
    const rb = ranks.get(b);
    if (ra === undefined) problems.add(`${from}: room ${a} is not in the layout table`);
    else if (rb === undefined) problems.add(`${to}: room ${b} is not in the layout table`);
    else if (rb >= ra) problems.add(`${from} → ${to}: ${a} (${ra}) may not import ${b} (${rb})`);
  }
  return [...problems];
}

/** Import cycles between files (each reported once, as the path around it). */
export function importCycles(imports: Import[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of imports) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, "open" | "done">();
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === "open") cycles.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of next.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

/** Every .ts file under `root`, keyed by its path relative to root. */
export async function readSources(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.name.endsWith(".ts"))
        files.set(relative(root, path), await readFile(path, "utf8"));
    }
  };
  await walk(root);
  return files;
}
