// The job summary (GITHUB_STEP_SUMMARY, at most 1 MiB per step) and the Action's outputs.
import { statSync } from "node:fs";
import * as core from "@actions/core";
import type { OverallVerdict } from "./comment-policy.ts";
import { fitMarkdown, utf8Bytes } from "./truncate.ts";

export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

/**
 * Appends `markdown` to this step's summary, cut (with a link to the full report) so the
 * step's summary stays under 1 MiB with whatever it already holds. No-op outside a runner.
 */
export async function writeJobSummary(
  markdown: string,
  {
    fullReportUrl,
    limit = STEP_SUMMARY_LIMIT_BYTES,
  }: { fullReportUrl?: string; limit?: number } = {},
): Promise<{ bytes: number; truncated: boolean }> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) {
    core.debug("GITHUB_STEP_SUMMARY is not set: no job summary written");
    return { bytes: 0, truncated: false };
  }
  const already = (() => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  })();
  // Leave room for the newline core.summary adds.
  const fitted = fitMarkdown(markdown, Math.max(0, limit - already - 1), utf8Bytes, fullReportUrl);
  await core.summary.addRaw(fitted.text, true).write();
  return { bytes: utf8Bytes(fitted.text), truncated: fitted.truncated };
}

export interface ActionOutputs {
  "results-dir": string;
  "report-dir": string;
  verdict: OverallVerdict;
  /** Path of summary.json. */
  "summary-json": string;
  /** The history page's directory (scheduled reports that keep history). */
  "history-page-dir": string;
}

export function setActionOutputs(outputs: Partial<ActionOutputs>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, value);
  }
}
