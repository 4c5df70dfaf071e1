// The parts of @actions/core the entry points use, so that src/github/ stays the only
// place that imports @actions/*: inputs, logging, failing the step.
import * as core from "@actions/core";

export { debug, getInput, group, info, notice, setFailed, warning } from "@actions/core";

/** Reads an input the way the runner passes it (INPUT_<NAME>); "" when unset. */
export const readInput = (name: string): string => core.getInput(name, { trimWhitespace: false });

/**
 * Reads a secret input, masks it, and removes it from this process's environment so the
 * processes the step starts (kubectl, kind, load generators) do not inherit it.
 */
export function takeSecretInput(name: string, mask: (value: string) => void): string {
  const value = core.getInput(name, { trimWhitespace: false });
  if (value.trim()) mask(value);
  delete process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`];
  return value;
}

/** The inputs that hold secrets, with how each is masked. */
const SECRET_INPUTS = ["github-token", "kubeconfig", "ssh-private-key"] as const;

/**
 * For a step that reads no input (post): masks the secret inputs, then removes every
 * INPUT_* variable, so that the programs it starts (tofu and its providers, kind,
 * kubectl) inherit none of them.
 */
export function scrubInputs(
  mask: Record<(typeof SECRET_INPUTS)[number], (value: string) => void>,
): void {
  for (const name of SECRET_INPUTS) takeSecretInput(name, mask[name]);
  for (const key of Object.keys(process.env)) if (key.startsWith("INPUT_")) delete process.env[key];
}
