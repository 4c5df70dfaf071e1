// The names results and reports travel under: `<prefix>-<scenario>-<mesh>`,
// `<prefix>-report-<scenario>` and `<prefix>-history-page-<scenario>`, checked against
// what the artifact service refuses.

/** Characters the artifact service refuses in names (NTFS-safe), as @actions/artifact checks. */
const BAD_NAME = /["':<>|*?\r\n\\/]/;

/** `<prefix>-<scenario>-<mesh>`: one matrix cell's results. */
export function resultsArtifactName(prefix: string, scenario: string, mesh: string): string {
  for (const [what, value] of [
    ["artifact-prefix", prefix],
    ["scenario name", scenario],
    ["mesh", mesh],
  ] as const) {
    if (!value || BAD_NAME.test(value)) {
      throw new Error(
        `${what} "${value}" cannot be part of an artifact name: it must be non-empty, without " : < > | * ? \\ / or line breaks`,
      );
    }
  }
  return `${prefix}-${scenario}-${mesh}`;
}

/** `<prefix>-report-<scenario>`: the rendered report (report.md, report.html, summary.json). */
export function reportArtifactName(prefix: string, scenario: string): string {
  return resultsArtifactName(prefix, "report", scenario);
}

/** `<prefix>-history-page-<scenario>`: the history page of scheduled reports. */
export function historyPageArtifactName(prefix: string, scenario: string): string {
  return resultsArtifactName(prefix, "history-page", scenario);
}

/**
 * Whether `name` is a results artifact of `prefix` (and `scenario`, when given). A scenario
 * name that is a prefix of another ("smoke", "smoke-big") matches both, and names cannot
 * tell them apart (`smoke-big-bare` may be mesh `big` at site `bare`): after the download,
 * onlyScenario looks at the scenario the runs themselves name.
 */
export function isResultsArtifact(name: string, prefix: string, scenario?: string): boolean {
  if (name.startsWith(`${prefix}-report-`) || name.startsWith(`${prefix}-history-page-`))
    return false;
  return name.startsWith(scenario ? `${prefix}-${scenario}-` : `${prefix}-`);
}
