// The module's input variables. They reach tofu/terraform as a generated *.tfvars.json
// file (0600), never as -var arguments on a command line, so no value is ever parsed by a
// shell or seen in a process list. Names must be Terraform identifiers; values plain JSON
// (strings, finite numbers, booleans, null, lists, objects). meshbench adds two variables
// every module must declare and use: the run id and the expiry time, as tags on every
// resource that costs money, so that leftovers can be found and removed.
import { ValueError } from "../../kube/names.ts";

export const RUN_ID_VAR = "meshbench_run_id";
export const EXPIRES_AT_VAR = "meshbench_expires_at";
export const RESERVED_VARS = [RUN_ID_VAR, EXPIRES_AT_VAR] as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const MAX_DEPTH = 8;
const MAX_BYTES = 256 * 1024;

function checkValue(field: string, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH)
    throw new ValueError(`${field}: nested deeper than ${MAX_DEPTH} levels; flatten it`);
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "string") {
    if (value.includes("\0")) throw new ValueError(`${field}: contains a NUL character`);
    return;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new ValueError(`${field}: ${value} is not allowed; allowed: a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkValue(`${field}[${i}]`, v, depth + 1);
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) checkValue(`${field}.${k}`, v, depth + 1);
    return;
  }
  throw new ValueError(
    `${field}: a ${typeof value} is not allowed; allowed: a string, number, boolean, null, list or map`,
  );
}

/** Checks the user's variables; errors name `vars.<name>` and what is allowed. */
export function checkVars(vars: unknown): Record<string, unknown> {
  if (vars === undefined || vars === null) return {};
  if (typeof vars !== "object" || Array.isArray(vars))
    throw new ValueError("vars: must be a map of variable names to values");
  for (const [name, value] of Object.entries(vars)) {
    if (!IDENTIFIER.test(name))
      throw new ValueError(
        `vars: ${JSON.stringify(name)} is not allowed as a variable name; allowed: letters, digits, '_' and '-', starting with a letter or '_'`,
      );
    if ((RESERVED_VARS as readonly string[]).includes(name))
      throw new ValueError(
        `vars.${name}: set by meshbench itself (the run id and expiry it tags resources with); remove it`,
      );
    checkValue(`vars.${name}`, value, 1);
  }
  return vars as Record<string, unknown>;
}

/** The file's content: the user's variables plus meshbench's two. */
export function tfvarsJson(
  vars: Record<string, unknown>,
  runId: string,
  expiresAt: string,
): string {
  const text = `${JSON.stringify({ ...vars, [RUN_ID_VAR]: runId, [EXPIRES_AT_VAR]: expiresAt }, null, 2)}\n`;
  if (Buffer.byteLength(text) > MAX_BYTES)
    throw new ValueError(`vars: ${Buffer.byteLength(text)} bytes as JSON; at most ${MAX_BYTES}`);
  return text;
}
