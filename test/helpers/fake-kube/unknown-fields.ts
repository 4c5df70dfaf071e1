// Fields the API server does not know, found as its strict JSON decoder finds them (the
// schemas' field lists, here client-node's generated models), and answered by the request's
// fieldValidation: Warn (the server's default) sends one `Warning: 299` header per field
// (the real server then drops them; the fake stores them); Strict refuses with 400
// BadRequest; Ignore says nothing. kubectl asks for Strict.
import * as models from "@kubernetes/client-node";
import type { ResourceType } from "./resources.ts";
import { badRequest } from "./status.ts";
import type { KObject } from "./store.ts";

interface Attribute {
  baseName: string;
  type: string;
}
type ModelType = { getAttributeTypeMap?: () => Attribute[] };

const modelOf = (type: string) =>
  (models as unknown as Record<string, ModelType>)[type]?.getAttributeTypeMap?.();

function walk(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || typeof value !== "object") return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value))
      for (const [i, v] of value.entries()) walk(v, array[1]!, `${path}[${i}]`, out);
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [k, v] of Object.entries(value)) walk(v, map[1]!, `${path}.${k}`, out);
    return;
  }
  const attributes = modelOf(type);
  if (!attributes || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const field = path ? `${path}.${k}` : k;
    const a = attributes.find((x) => x.baseName === k);
    if (a) walk(v, a.type, field, out);
    else out.push(field);
  }
}

/** The unknown fields of a built-in kind's body, e.g. "spec.template.spec.containers[0].imagePullPolcy". */
export function unknownFields(r: ResourceType, body: KObject): string[] {
  const type = [`V1${r.kind}`, `CoreV1${r.kind}`].find((t) => modelOf(t));
  const out: string[] = [];
  if (type && !r.custom) walk(body, type, "", out);
  return out;
}

/** The Warning headers to send, or the 400 to throw, for a write's body. */
export function fieldValidation(
  r: ResourceType,
  body: KObject,
  mode: string | null,
): string[] | undefined {
  if (mode === "Ignore") return undefined;
  const unknown = unknownFields(r, body).map((f) => `unknown field "${f}"`);
  if (unknown.length === 0) return undefined;
  if (mode === "Strict")
    throw badRequest(
      `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: strict decoding error: ${unknown.join(", ")}`,
    );
  return unknown.map((w) => `299 - ${JSON.stringify(w)}`);
}
