// Which program runs the module: OpenTofu (`tofu`) when it is on the PATH, else Terraform;
// both read the same modules and state. Neither is downloaded here: the Action's workflow
// sets one up with its official setup action, at a version the user pins there.
import { isAbsolute } from "node:path";
import { findExecutable } from "../../tools/find-executable.ts";

export const TERRAFORM_NAMES = ["tofu", "terraform"] as const;

export const HOW_TO_GET_ONE = [
  "on GitHub Actions, add a step before meshbench: `uses: opentofu/setup-opentofu@v1` with `tofu_wrapper: false`, or `uses: hashicorp/setup-terraform@v3` with `terraform_wrapper: false` (their wrappers rewrite the output that meshbench reads with `output -json`)",
  "elsewhere, install OpenTofu (https://opentofu.org/docs/intro/install/) or Terraform (https://developer.hashicorp.com/terraform/install)",
];

/**
 * The absolute path of the program to run: `explicit` (a path or a name on the PATH), else tofu,
 * else terraform.
 */
export async function findTerraform(
  env: NodeJS.ProcessEnv = process.env,
  explicit?: string,
): Promise<string> {
  if (explicit !== undefined) {
    // A path is looked up from here (absolute: recorded for destroy, which may run from
    // elsewhere); a bare name on the PATH.
    const found = findExecutable(
      explicit,
      isAbsolute(explicit) || explicit.includes("/") ? "." : (env.PATH ?? ""),
    );
    if (found) return found;
    throw new Error(
      `binary: ${JSON.stringify(explicit)} is not an executable file${isAbsolute(explicit) ? "" : " on the PATH"}; give the path of tofu or terraform, or leave binary out to use the one on the PATH`,
    );
  }
  for (const name of TERRAFORM_NAMES) {
    const found = findExecutable(name, env.PATH ?? "");
    if (found) return found;
  }
  throw new Error(
    `provider terraform: neither tofu nor terraform is on the PATH. Get one:\n  - ${HOW_TO_GET_ONE.join("\n  - ")}`,
  );
}
