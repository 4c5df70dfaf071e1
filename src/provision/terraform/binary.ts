// Which program runs the module: OpenTofu (`tofu`) when it is on the PATH, else Terraform;
// both read the same modules and state. Neither is downloaded here: the Action's workflow
// sets one up with its official setup action, at a version the user pins there.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, isAbsolute, resolve } from "node:path";

export const TERRAFORM_NAMES = ["tofu", "terraform"] as const;

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = resolve(dir, name); // a relative PATH entry too: destroy may run elsewhere
    if (await executable(candidate)) return candidate;
  }
  return null;
}

export const HOW_TO_GET_ONE = [
  "on GitHub Actions, add a step before meshbench: `uses: opentofu/setup-opentofu@v1` with `tofu_wrapper: false`, or `uses: hashicorp/setup-terraform@v3` with `terraform_wrapper: false` (their wrappers rewrite the output that meshbench reads with `output -json`)",
  "elsewhere, install OpenTofu (https://opentofu.org/docs/intro/install/) or Terraform (https://developer.hashicorp.com/terraform/install)",
];

/** The absolute path of the program to run: `explicit` (a path or a name on the PATH), else tofu, else terraform. */
export async function findTerraform(
  env: NodeJS.ProcessEnv = process.env,
  explicit?: string,
): Promise<string> {
  if (explicit !== undefined) {
    const found =
      isAbsolute(explicit) || explicit.includes("/")
        ? (await executable(explicit))
          ? resolve(explicit) // recorded for destroy, which may run from elsewhere
          : null
        : await onPath(explicit, env);
    if (found) return found;
    throw new Error(
      `binary: ${JSON.stringify(explicit)} is not an executable file${isAbsolute(explicit) ? "" : " on the PATH"}; give the path of tofu or terraform, or leave binary out to use the one on the PATH`,
    );
  }
  for (const name of TERRAFORM_NAMES) {
    const found = await onPath(name, env);
    if (found) return found;
  }
  throw new Error(
    `provider terraform: neither tofu nor terraform is on the PATH. Get one:\n  - ${HOW_TO_GET_ONE.join("\n  - ")}`,
  );
}
