// The one Octokit meshbench uses, and how its errors are read. The base URL is passed
// explicitly (from GITHUB_API_URL at call time), so nothing depends on when a module was
// first imported.
import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import type { WorkflowContext } from "./context.ts";

export type GitHubClient = ReturnType<typeof getOctokit>;

export function createGitHubClient(
  token: string,
  ctx: Pick<WorkflowContext, "apiUrl">,
): GitHubClient {
  if (!token) {
    throw new Error(
      "github-token is empty: pass `github-token: $" +
        "{{ github.token }}` (the default) or a token with the permissions in the README",
    );
  }
  return getOctokit(token, {
    baseUrl: ctx.apiUrl,
    log: {
      debug: (m: string) => core.debug(m),
      info: (m: string) => core.debug(m),
      warn: (m: string) => core.warning(m),
      error: (m: string) => core.debug(m),
    },
  });
}

/** The HTTP status of an Octokit RequestError, else undefined. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's own message for a failed request (without Octokit's documentation suffix). */
export function apiMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } })?.response?.data;
  if (typeof data?.message === "string") return data.message;
  return (error as Error)?.message ?? String(error);
}

/**
 * The 403 an installation token (GITHUB_TOKEN) gets when it lacks a permission, which is
 * what every write from a fork's pull_request job gets: its token is read-only.
 */
export function isNotAccessibleByIntegration(error: unknown): boolean {
  return (
    httpStatus(error) === 403 && /Resource not accessible by integration/i.test(apiMessage(error))
  );
}
