// Building blocks of meshbench's file formats: names, versions and durations as zod
// schemas whose error messages say what was written and why it is refused.
import { z } from "zod";
import { MAX_TIMER_MS, parseDuration, TOO_LONG } from "./duration.ts";

/** Names that become directory names, namespace suffixes and CLI arguments. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const NAME_ALLOWED =
  "lower-case letters, digits and '-', starting with a letter or digit, at most 63 characters";

/**
 * Versions pick the CLI that installs a mesh (downloaded by version) and may fill a command
 * line's {version}: only a release version's shape, nothing a shell or a URL could misread.
 */
export const VERSION_PATTERN =
  /^(v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]{1,40})?|(stable|edge)-\d+\.\d+\.\d+)$/;
export const VERSION_ALLOWED =
  "a release version such as 1.30.1, v1.2.3, 1.2.3-rc.1, stable-2.14.10 or edge-25.5.2";

export const DURATION_ALLOWED = "a number with a unit: 500ms, 30s, 5m, 1h or 1m30s";

export const name = () => z.string().regex(NAME_PATTERN);
export const version = () => z.string().regex(VERSION_PATTERN);

/** A duration as written in a file (`30s`), parsed to milliseconds. */
export function duration({ allowZero = false } = {}) {
  return z.any().transform((value: unknown, ctx): number => {
    if (typeof value === "number") {
      ctx.addIssue({ code: "custom", message: `${value} has no unit` });
      return z.NEVER;
    }
    if (typeof value !== "string") {
      ctx.addIssue({
        code: "custom",
        message: `expected a duration, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    const ms = parseDuration(value);
    if (typeof ms !== "number") {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a duration` });
      return z.NEVER;
    }
    if (ms === 0 && !allowZero) {
      ctx.addIssue({ code: "custom", message: `"${value}" must be longer than 0` });
      return z.NEVER;
    }
    if (ms > MAX_TIMER_MS) {
      ctx.addIssue({ code: "custom", message: `"${value}" is ${TOO_LONG}` });
      return z.NEVER;
    }
    return ms;
  });
}

/** A list in the file, or a single value standing for a list of one. */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item).min(1));
}
