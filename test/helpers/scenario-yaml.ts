// Scenario files for the tests that run meshbench: the YAML a user would write, built from
// fields so that each test states only what it varies.
import { stringify } from "yaml";

/** A scenario `name` on `platform: kubernetes` with these fields, as YAML text. */
export function kubeScenarioYaml(name: string, fields: Record<string, unknown>): string {
  return stringify({ name, platform: "kubernetes", ...fields });
}

/** A scenario `name` on `platform: local` with these fields, as YAML text. */
export function localScenarioYaml(name: string, fields: Record<string, unknown>): string {
  return stringify({ name, platform: "local", ...fields });
}
