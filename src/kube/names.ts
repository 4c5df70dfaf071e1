// Strict patterns for every value that becomes a Kubernetes name, a label, or an argument
// of a command (kind, kubectl, mesh CLIs): a scenario file or an Action input can never
// smuggle in a shell word, a path or a flag. Errors name the field and what is allowed.
import { VERSION_PATTERN } from "../scenario/fields.ts";
import {
  DNS_LABEL,
  DNS_SUBDOMAIN,
  IMAGE,
  LABEL_KEY,
  LABEL_VALUE,
} from "../scenario/kubernetes-patterns.ts";

export { DNS_LABEL, DNS_SUBDOMAIN, IMAGE, LABEL_KEY, LABEL_VALUE, VERSION_PATTERN };

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

const ALLOWED: [RegExp, string][] = [
  [
    DNS_LABEL,
    "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  ],
  [
    DNS_SUBDOMAIN,
    "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
  ],
  [
    LABEL_VALUE,
    "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)",
  ],
  [LABEL_KEY, "an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'"],
  [
    VERSION_PATTERN,
    "a release version such as v11, v1.2.3, 1.2.3, 1.2.3-rc.1, stable-2.14.10 or edge-25.1.1",
  ],
  [IMAGE, "an image reference such as registry.example/path/name:tag"],
];

/** Returns `value` when it matches `pattern`; otherwise a ValueError naming field and rule. */
export function checked(field: string, value: unknown, pattern: RegExp): string {
  if (typeof value === "string" && pattern.test(value)) return value;
  const rule = ALLOWED.find(([p]) => p === pattern)?.[1] ?? `a value matching ${pattern}`;
  throw new ValueError(`${field}: ${JSON.stringify(value)} is not allowed; allowed: ${rule}`);
}
