// A YAML file parsed so that every value keeps where it came from: errors found later
// (by the schema, or when a mesh name is resolved) can name the file, line and column.
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  visit,
} from "yaml";
import { ConfigError } from "./problems.ts";

/** Aliases expanded per file: plenty for sharing settings, far too few for a bomb. */
const MAX_ALIAS_COUNT = 100;

export type Path = readonly PropertyKey[];

export interface Position {
  line: number;
  col: number;
}

export interface YamlSource {
  file: string;
  /** The document as plain data; null for an empty file. */
  value: unknown;
  /** Where the value at `path` starts; the nearest enclosing value if it is absent. */
  at(path: Path): Position;
  /** Where the key naming the last element of `path` starts (for unknown keys). */
  keyAt(path: Path): Position;
  /** The longest prefix of `path` that exists in the file (how a problem names the field). */
  existing(path: Path): Path;
  /** The value's text as written (first line, shortened), or undefined if absent. */
  textAt(path: Path): string | undefined;
}

interface Found {
  node: Node | null;
  pair: Pair | null;
  depth: number;
}

function walk(root: Node | null, path: Path): Found {
  let node = root;
  let pair: Pair | null = null;
  let depth = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const match = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!match) break;
      pair = match as Pair;
      node = (match.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) break;
      pair = null;
      node = item;
    } else {
      break;
    }
    depth++;
  }
  return { node, pair, depth };
}

/** Parses YAML text; a syntax error is a ConfigError naming its line and column. */
export function readYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        const message = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
        return { file, line: pos.line, col: pos.col, message: `not valid YAML: ${message}` };
      }),
    );
  }
  const root = (doc.contents as Node | null) ?? null;
  const position = (offset: number | undefined): Position =>
    offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? null;
  } catch (error) {
    // An alias bomb (aliases of aliases, expanding exponentially) or an alias without its
    // anchor: a file problem, named where the first alias is, not an internal error.
    let offset: number | undefined;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0];
        return visit.BREAK;
      },
    });
    const { line, col } = position(offset);
    throw new ConfigError([
      { file, line, col, message: `not valid YAML: ${(error as Error).message}` },
    ]);
  }

  return {
    file,
    value,
    at: (path) => position(walk(root, path).node?.range?.[0]),
    keyAt: (path) => {
      const found = walk(root, path);
      if (found.depth < path.length) return position(found.node?.range?.[0]);
      const key = found.pair?.key as Node | undefined;
      return position(key?.range?.[0] ?? found.node?.range?.[0]);
    },
    existing: (path) => path.slice(0, walk(root, path).depth),
    textAt: (path) => {
      const found = walk(root, path);
      if (found.depth < path.length || !found.node?.range) return undefined;
      const raw = text.slice(found.node.range[0], found.node.range[1]).trim();
      const first = raw.split("\n")[0]!;
      return first.length > 40 || raw.includes("\n") ? `${first.slice(0, 37)}...` : first;
    },
  };
}

/** `load.paths[1]`: a path as a person reads it. */
export function formatPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? "(top level)" : out;
}
