// Bad command lines exit 2 with a message that names the flag and what is allowed.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { parseDuration } from "../scenario/duration.ts";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The one SCENARIO file a command takes as its argument; example shows a full command line. */
export function oneScenario(positionals: string[], example: string): string {
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError(`give a SCENARIO file, e.g. ${example}`);
  if (extra.length > 0)
    throw new UsageError(`unexpected argument "${extra[0]}" (one SCENARIO at a time)`);
  return file;
}

/** Flags that each take one string value: the common rows of a parseFlags table. */
export function stringFlags<const K extends string>(...names: K[]): Record<K, { type: "string" }> {
  return Object.fromEntries(names.map((name) => [name, { type: "string" }])) as Record<
    K,
    { type: "string" }
  >;
}

/** node:util parseArgs, with its errors turned into UsageErrors that point at --help. */
export function parseFlags<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, "");
    throw new UsageError(`${message}\nRun 'meshbench ${command} --help' for the flags it takes.`);
  }
}

export function durationFlag(flag: string, value: string, { allowZero = false } = {}): number {
  const ms = parseDuration(value);
  if (typeof ms !== "number") throw new UsageError(`--${flag}: ${ms.error}`);
  if (ms === 0 && !allowZero) throw new UsageError(`--${flag}: must be longer than 0`);
  return ms;
}

export function numberFlag(
  flag: string,
  value: string,
  { integer = false, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = {},
): number {
  const n = Number(value);
  const kind = integer ? "a whole number" : "a number";
  if (value.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag}: "${value}" is not ${kind}`);
  }
  if (n < min || n > max) {
    const range = max === Number.POSITIVE_INFINITY ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${flag}: ${value} is out of range; allowed: ${kind} ${range}`);
  }
  return n;
}

export function choiceFlag<T extends string>(
  flag: string,
  value: string,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag}: "${value}" is not allowed; allowed: ${allowed.join(", ")}`);
  }
  return value as T;
}
