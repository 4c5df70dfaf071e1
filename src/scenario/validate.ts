// Schema problems as a person needs them: where (file:line:col), which field, what is
// wrong, and what is allowed there, with a did-you-mean for typos. The "allowed" text and
// the known keys come from each file format's field table (the same table --explain prints).
import type { z } from "zod";
import { ConfigError, type Problem } from "./problems.ts";
import { didYouMean } from "./suggest.ts";
import { formatPath, type Path, type YamlSource } from "./yaml-source.ts";

export interface FieldDoc {
  /** `load.rate`, `meshes[].version`: list items are written `[]`. */
  path: string;
  /** The default, as a person reads it. */
  default: string;
  /** One line: what the field means. */
  description: string;
  /** What values are allowed (shown with every error on the field). */
  allowed: string;
}

/** `["meshes", 1, "name"]` → `meshes[].name`, the key of the field table. */
export function docKey(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += "[]";
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function findDoc(fields: readonly FieldDoc[], path: Path): FieldDoc | undefined {
  for (let n = path.length; n > 0; n--) {
    const key = docKey(path.slice(0, n));
    const doc = fields.find((f) => f.path === key);
    if (doc) return doc;
  }
  return undefined;
}

/** The keys allowed directly inside the map at `parent`. */
export function childKeys(fields: readonly FieldDoc[], parent: Path): string[] {
  const prefix = parent.length === 0 ? "" : `${docKey(parent)}.`;
  return fields
    .filter((f) => f.path.startsWith(prefix))
    .map((f) => f.path.slice(prefix.length))
    .filter((rest) => rest !== "" && !rest.includes(".") && !rest.includes("["))
    .concat(
      // a list of maps (`meshes[].name`) makes `meshes` a key of its parent too
      fields
        .filter((f) => f.path.startsWith(prefix))
        .map((f) => f.path.slice(prefix.length))
        .filter((rest) => /^[^.[]+\[\]/.test(rest))
        .map((rest) => rest.slice(0, rest.indexOf("["))),
    )
    .filter((key, i, all) => all.indexOf(key) === i);
}

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "text",
  array: "a list",
  object: "a map",
  boolean: "true or false",
};

/** The plain value at `path`, for telling a string ("30") from a number (30). */
function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function issueProblems(
  issue: z.core.$ZodIssue,
  source: YamlSource,
  fields: readonly FieldDoc[],
): Problem[] {
  const at = (path: Path, pos = source.at(path)) => ({ file: source.file, ...pos });

  if (issue.code === "unrecognized_keys") {
    const allowed = childKeys(fields, issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return {
        ...at(path, source.keyAt(path)),
        message: `${formatPath(path)}: unknown key${didYouMean(key, allowed)}; allowed keys: ${allowed.join(", ")}`,
      };
    });
  }

  // A field that is absent from its map is missing; a path that goes deeper than the file
  // (a single value standing for a list) is named by the part that exists.
  if (issue.code === "invalid_key") {
    // A map key that is not allowed (a record's key pattern): point at the key.
    const key = String(issue.path[issue.path.length - 1]);
    const doc = findDoc(fields, issue.path.slice(0, -1));
    return [
      {
        ...at(issue.path, source.keyAt(issue.path)),
        message: `${formatPath(issue.path.slice(0, -1))}: the key "${key}" is not allowed${doc ? `; allowed: ${doc.allowed}` : ""}`,
      },
    ];
  }

  const shown = source.existing(issue.path);
  const last = issue.path[issue.path.length - 1];
  const missing =
    issue.code === "invalid_type" &&
    typeof last === "string" &&
    shown.length === issue.path.length - 1 &&
    valueAt(source.value, shown) !== null &&
    typeof valueAt(source.value, shown) === "object";
  const field = formatPath(missing ? issue.path : shown);
  const got = source.textAt(shown);
  const gotText =
    got === undefined
      ? ""
      : typeof valueAt(source.value, shown) === "string" && !/^["']/.test(got)
        ? `"${got}"`
        : got;
  const doc = findDoc(fields, issue.path);

  let what: string;
  switch (issue.code) {
    case "invalid_type": {
      const value = valueAt(source.value, shown);
      // `- /api/vote?choice=:joy:` is a map in YAML (a colon ends the line): say so.
      const accidentalMap =
        issue.expected === "string" &&
        value !== null &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        !/^[{]/.test(got ?? "");
      what = missing
        ? "is required"
        : accidentalMap
          ? `expected text, got a map: YAML reads "key: value" (or a ":" ending the line) as one; put the value in quotes, e.g. "${got}"`
          : `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${gotText || "nothing"}`;
      break;
    }
    case "too_small":
      what =
        issue.origin === "array"
          ? `needs at least ${issue.minimum} ${issue.minimum === 1 ? "entry" : "entries"}`
          : issue.origin === "string"
            ? "is empty"
            : `${gotText} is too small`;
      break;
    case "too_big":
      what =
        issue.origin === "array"
          ? `has more than ${issue.maximum} entries`
          : issue.origin === "string"
            ? "is too long"
            : `${gotText} is too large`;
      break;
    case "invalid_value": {
      const values = issue.values.map(String);
      what = `${gotText} is not allowed${didYouMean(String(valueAt(source.value, shown) ?? ""), values)}`;
      break;
    }
    case "invalid_format":
      what = `${gotText} is not allowed`;
      break;
    default:
      // Our own checks write "{got}" where the value as written belongs.
      what = issue.message.replace("{got}", gotText || "nothing");
  }
  const allowed = doc ? `; allowed: ${doc.allowed}` : "";
  return [{ ...at(issue.path), message: `${field}: ${what}${allowed}` }];
}

/**
 * Validates a parsed YAML file against a schema; returns the parsed value or throws a
 * ConfigError listing every problem. An empty file is an empty map (all defaults).
 */
export function validateSource<T>(
  schema: z.ZodType<T>,
  source: YamlSource,
  fields: readonly FieldDoc[],
): T {
  const value = source.value ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError([
      {
        file: source.file,
        ...source.at([]),
        message: `expected a map of fields (key: value lines); allowed keys: ${childKeys(fields, []).join(", ")}`,
      },
    ]);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.flatMap((i) => issueProblems(i, source, fields)));
}
