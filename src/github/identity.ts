// Who the token is, so the sticky comment is only ever looked for among the comments this
// identity wrote. A personal access token answers GET /user with its login. GitHub App
// installation tokens (the workflow's GITHUB_TOKEN among them) have no user: GET /user
// answers 403 "Resource not accessible by integration", and their comments are written by
// `github-actions[bot]` — for another App's token, the Action's `comment-author` input
// gives its `<app-slug>[bot]` login.
import {
  apiMessage,
  type GitHubClient,
  httpStatus,
  isNotAccessibleByIntegration,
} from "./client.ts";

export const GITHUB_ACTIONS_BOT = "github-actions[bot]";

export interface TokenIdentity {
  login: string;
  /** `user`: from GET /user; `installation`: inferred for an App installation token; `given`. */
  how: "user" | "installation" | "given";
}

export async function tokenIdentity(gh: GitHubClient, given?: string): Promise<TokenIdentity> {
  if (given) return { login: given, how: "given" };
  try {
    const { data } = await gh.rest.users.getAuthenticated();
    return { login: data.login, how: "user" };
  } catch (error) {
    if (isNotAccessibleByIntegration(error))
      return { login: GITHUB_ACTIONS_BOT, how: "installation" };
    if (httpStatus(error) === 401) {
      throw new Error(
        `github-token was rejected (401 ${apiMessage(error)}): check that the secret it comes from is set and not expired`,
      );
    }
    throw error;
  }
}
