// Label selectors as the API server parses them (labelSelector=...): equality (=, ==, !=),
// set-based (in, notin), existence (key, !key), comma meaning AND.

export type Labels = Record<string, string> | undefined;
type Requirement = (labels: Record<string, string>) => boolean;

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out.map((t) => t.trim()).filter(Boolean);
}

function requirement(term: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = list.split(",").map((v) => v.trim());
    return op === "in"
      ? (l) => key in l && values.includes(l[key]!)
      : (l) => !(key in l) || !values.includes(l[key]!);
  }
  m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    if (!KEY.test(key)) throw new Error(`invalid label key "${key}"`);
    return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^(!?)([^!=\s()]+)$/.exec(term);
  if (m && KEY.test(m[2]!)) {
    const key = m[2]!;
    return m[1] ? (l) => !(key in l) : (l) => key in l;
  }
  throw new Error(`unable to parse requirement: "${term}"`);
}

/** Compiles a selector; throws (→ 400) on one the API server would refuse. */
export function compileSelector(selector: string | null): (labels: Labels) => boolean {
  if (!selector) return () => true;
  const reqs = terms(selector).map(requirement);
  return (labels) => reqs.every((r) => r(labels ?? {}));
}

/** metadata.name=x / metadata.namespace=y / spec.nodeName=z / involvedObject.name=… */
export function compileFieldSelector(selector: string | null): (obj: unknown) => boolean {
  if (!selector) return () => true;
  const reqs = terms(selector).map((t) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(t);
    if (!m) throw new Error(`invalid field selector "${t}"`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    const get = (o: unknown) =>
      path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
    return (o: unknown) =>
      op === "!=" ? String(get(o) ?? "") !== value : String(get(o) ?? "") === value;
  });
  return (o) => reqs.every((r) => r(o));
}
