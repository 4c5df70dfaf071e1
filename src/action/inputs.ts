// The Action's inputs, typed. Pure over `getInput` (the entry point passes readInput from
// src/github/runtime.ts; tests pass a record). Every problem names the input, the value
// given and what is allowed, and all problems are reported at once.
import type { BaselineSpec } from "../github/baseline.ts";
import { COMMENT_MODES, type CommentMode } from "../github/comment-policy.ts";
import { EXPORT_FORMATS, type ExportFormat, isExportFormat } from "../interop/formats.ts";
import { gateFromEntries, ThresholdError } from "../stats/thresholds.ts";

export const COMMANDS = ["run", "report"] as const;
export type Command = (typeof COMMANDS)[number];

/**
 * Where runs happen: this machine, a given cluster, a kind cluster made here, or bare metal via
 * Terraform.
 */
export const PROVIDERS = ["local", "kubeconfig", "kind", "terraform"] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

export interface ActionInputs {
  command: Command;
  /** Path of the scenario file. */
  scenario: string;
  /** One mesh of the scenario (a matrix cell); null: all of them. */
  mesh: string | null;
  /** null: the scenario's own. */
  repetitions: number | null;
  provider: ProviderKind;
  /** Kubeconfig text (secret: mask it before anything else); null when not given. */
  kubeconfig: string | null;
  resultsDir: string;
  artifactPrefix: string;
  baseline: BaselineSpec;
  /** Whose runs `baseline: auto` searches (a workflow file name or id); null: this workflow's. */
  baselineWorkflow: string | null;
  /**
   * Regression thresholds as written: key=value pairs (checked here) or the path of a
   * YAML/JSON thresholds file (read, and checked, by the step).
   */
  thresholds: string | null;
  /** Path of a calibration.json whose noise floor the gate uses; null: none. */
  calibration: string | null;
  /** `price-vcpu-hour` and `price-gib-hour`: the cost's prices, over the scenario's; null: not given. */
  prices: { vcpuHour: number; gibHour: number } | null;
  failOnRegression: boolean;
  comment: CommentMode;
  /**
   * Login the sticky comment is written by, when the token cannot say (GET /user answers
   * 403 to App installation tokens, and meshbench assumes github-actions[bot]); null: ask.
   */
  commentAuthor: string | null;
  /** Base URL of the QuickChart server (`https://quickchart.io`), or null for no chart links. */
  chartHost: string | null;
  /** Secret: mask it before anything else. "" when not given. */
  githubToken: string;
  /** null: the repository's default retention. */
  retentionDays: number | null;
  /**
   * provider terraform: the key the module's hosts accept (secret: mask it first); null when not
   * given.
   */
  sshPrivateKey: string | null;
  /** Where the runs happened, when identical clusters run the same scenario (a region). */
  site: string | null;
  /** provider terraform: module variables over the scenario's (a JSON object). */
  terraformVars: Record<string, string | number | boolean> | null;
  /** command report: the formats `meshbench export` writes beside the report. */
  exports: ExportFormat[];
}

export class InputError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `meshbench: ${problems.length} invalid input${problems.length === 1 ? "" : "s"}:\n  ${problems.join("\n  ")}`,
    );
    this.name = "InputError";
    this.problems = problems;
  }
}

/** `${{ name }}`, as a workflow writes it (built so no linter takes it for a template slip). */
const expression = (name: string) => `$\{{ ${name} }}`;

const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];

/** Records that input `name` holds a value it does not allow, and what it allows. */
type Bad = (name: string, value: string, allowed: string) => void;

export function parseInputs(getInput: (name: string) => string): ActionInputs {
  const problems: string[] = [];
  const raw = (name: string) => getInput(name).trim();
  const bad: Bad = (name, value, allowed) => {
    problems.push(`input "${name}": ${JSON.stringify(value)} is not allowed; ${allowed}`);
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = raw(name);
    if (v === "") return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    bad(name, v, `use one of ${allowed.join(", ")}`);
    return fallback;
  };
  const integer = (name: string, min: number, max: number): number | null => {
    const v = raw(name);
    if (v === "") return null;
    const n = Number(v);
    if (/^\d+$/.test(v) && n >= min && n <= max) return n;
    bad(name, v, `use a whole number from ${min} to ${max}, or leave it empty`);
    return null;
  };
  const price = (name: string): number | null => {
    const v = raw(name);
    if (v === "") return null;
    const n = Number(v);
    if (/^\d+(\.\d+)?$/.test(v) && n > 0 && n <= 1000) return n;
    bad(name, v, "use US dollars per hour as a number above 0, e.g. 0.031611, or leave it empty");
    return null;
  };
  /** An optional input of one form: null when empty, and when it is not of the form. */
  const ofForm = (name: string, form: RegExp, allowed: string): string | null => {
    const v = raw(name);
    if (v === "") return null;
    if (form.test(v)) return v;
    bad(name, v, allowed);
    return null;
  };
  const boolean = (name: string, fallback: boolean): boolean => {
    const v = raw(name);
    if (v === "") return fallback;
    if (TRUE.includes(v)) return true;
    if (FALSE.includes(v)) return false;
    bad(name, v, "use true or false");
    return fallback;
  };

  const command = oneOf("command", COMMANDS, "run");
  const scenario = raw("scenario");
  if (!scenario)
    problems.push(
      'input "scenario": required; give the path of a scenario file, e.g. scenarios/local-smoke.yaml',
    );

  const mesh = ofForm(
    "mesh",
    /^[a-z0-9][a-z0-9._-]*$/,
    "use a mesh name of the scenario (lower-case letters, digits, . _ -), or leave it empty for all",
  );

  const provider = oneOf("provider", PROVIDERS, "local");
  // Not trimmed: it is a file's content.
  const kubeconfig = getInput("kubeconfig").trim() ? getInput("kubeconfig") : null;
  if (provider === "kubeconfig" && kubeconfig === null) {
    problems.push(
      `input "kubeconfig": required with provider: kubeconfig; pass it from a secret (kubeconfig: ${expression("secrets.KUBECONFIG")})`,
    );
  }
  if (provider === "local" && kubeconfig !== null) {
    problems.push(
      'input "kubeconfig": given, but provider is local; set provider: kubeconfig to use that cluster',
    );
  }

  const artifactPrefix = raw("artifact-prefix") || "meshbench";
  if (!/^[A-Za-z0-9._-]+$/.test(artifactPrefix)) {
    bad(
      "artifact-prefix",
      artifactPrefix,
      "use letters, digits, . _ - (it starts every artifact name)",
    );
  }

  const baselineText = raw("baseline") || "auto";
  const baseline: BaselineSpec =
    baselineText === "auto" || baselineText === "none"
      ? { kind: baselineText }
      : { kind: "path", path: baselineText };

  const baselineWorkflow = ofForm(
    "baseline-workflow",
    /^(\d+|[A-Za-z0-9._-]+\.ya?ml)$/,
    "use a workflow's file name in .github/workflows (e.g. weekly.yml) or its numeric id, or leave it empty for this workflow",
  );
  if (baselineWorkflow !== null && baseline.kind !== "auto") {
    problems.push(
      `input "baseline-workflow": given, but baseline is ${baselineText}; it names where baseline: auto looks`,
    );
  }

  const githubToken = raw("github-token");
  if (command === "report" && !githubToken) {
    problems.push(
      `input "github-token": required for command: report; the default is ${expression("github.token")}`,
    );
  }

  const inputs: ActionInputs = {
    command,
    scenario,
    mesh,
    repetitions: integer("repetitions", 1, 100),
    provider,
    kubeconfig,
    resultsDir: raw("results-dir") || "meshbench-results",
    artifactPrefix,
    baseline,
    baselineWorkflow,
    thresholds: thresholds(raw("thresholds"), bad, problems),
    calibration: raw("calibration") || null,
    prices: prices(price("price-vcpu-hour"), price("price-gib-hour"), problems),
    failOnRegression: boolean("fail-on-regression", true),
    comment: oneOf("comment", COMMENT_MODES, "auto"),
    // A GitHub login: a user's, or an App's bot (`my-app[bot]`).
    commentAuthor: ofForm(
      "comment-author",
      /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/,
      "use a GitHub login such as my-app[bot] (the App's slug followed by [bot]), or leave it empty",
    ),
    chartHost: chartHost(raw("chart-host"), bad),
    githubToken,
    // GitHub allows 1–90 days, up to 400 for private repositories whose settings allow it.
    retentionDays: integer("retention-days", 1, 400),
    sshPrivateKey: getInput("ssh-private-key").trim() ? getInput("ssh-private-key") : null,
    site: ofForm(
      "site",
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
      "use letters, digits, . _ - (at most 63), e.g. us-west-2",
    ),
    terraformVars: terraformVars(raw("terraform-vars"), bad),
    exports: exportFormats(raw("export"), bad),
  };
  if (problems.length) throw new InputError(problems);
  return inputs;
}

function terraformVars(v: string, bad: Bad): Record<string, string | number | boolean> | null {
  if (v === "") return null;
  const allowed =
    'use a JSON object of Terraform variable names to strings, numbers or booleans, e.g. {"region": "us-west-2"}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    bad("terraform-vars", v, allowed);
    return null;
  }
  if (
    parsed === null ||
    typeof parsed !== "object" ||
    Array.isArray(parsed) ||
    !Object.entries(parsed).every(
      ([k, x]) =>
        /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) && ["string", "number", "boolean"].includes(typeof x),
    )
  ) {
    bad("terraform-vars", v, allowed);
    return null;
  }
  return parsed as Record<string, string | number | boolean>;
}

/** `bencher, hdr` (commas, spaces or lines between): each a `meshbench export` format. */
function exportFormats(
  v: string,
  bad: (name: string, value: string, allowed: string) => void,
): ExportFormat[] {
  const names = v.split(/[\s,]+/).filter((n) => n !== "");
  const unknown = names.filter((n) => !isExportFormat(n));
  if (unknown.length > 0) {
    bad("export", unknown.join(", "), `use formats of ${EXPORT_FORMATS.join(", ")}`);
    return [];
  }
  return [...new Set(names)] as ExportFormat[];
}

const THRESHOLDS_FORM =
  "write key=value pairs such as latency.p99=10%,memory.dataPlane=15%,alpha=0.05, or the path of a thresholds file ending in .yaml, .yml or .json";

/** The same parser as the CLI's --thresholds, its errors worded for the input. */
function thresholds(v: string, bad: Bad, problems: string[]): string | null {
  if (v === "") return null;
  if (!v.includes("=")) {
    if (/\.(ya?ml|json)$/i.test(v)) return v;
    bad("thresholds", v, THRESHOLDS_FORM);
    return null;
  }
  const entries: [string, string][] = [];
  for (const part of v.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      bad("thresholds", v, `${JSON.stringify(part.trim())} is not key=value; ${THRESHOLDS_FORM}`);
      return null;
    }
    entries.push([part.slice(0, eq), part.slice(eq + 1)]);
  }
  try {
    gateFromEntries(entries, `input "thresholds": ${JSON.stringify(v)}`);
  } catch (error) {
    if (!(error instanceof ThresholdError)) throw error;
    problems.push(error.message);
    return null;
  }
  return v;
}

function chartHost(v: string, bad: Bad): string | null {
  if (v === "none") return null;
  const text = v || "quickchart.io";
  const withScheme = /^https?:\/\//.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    if ((url.pathname === "/" || url.pathname === "") && !url.search && !url.hash && !url.username)
      return url.origin;
  } catch {}
  bad(
    "chart-host",
    v,
    "use a host such as quickchart.io (or https://charts.example.com:3400), or none to leave charts out",
  );
  return null;
}

/** Both prices or neither: a cost priced half by the user and half by default would mislead. */
function prices(
  vcpuHour: number | null,
  gibHour: number | null,
  problems: string[],
): ActionInputs["prices"] {
  if (vcpuHour !== null && gibHour !== null) return { vcpuHour, gibHour };
  if (vcpuHour !== null || gibHour !== null) {
    problems.push(
      'inputs "price-vcpu-hour" and "price-gib-hour": give both (US dollars per vCPU-hour and per GiB-hour) or neither',
    );
  }
  return null;
}
