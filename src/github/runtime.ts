// The parts of @actions/core the entry points use, so that src/github/ stays the only
// place that imports @actions/*: inputs, logging, failing the step, post-step detection.
import * as core from "@actions/core";

export { debug, getInput, group, info, notice, setFailed, warning } from "@actions/core";

/** Reads an input the way the runner passes it (INPUT_<NAME>), trimmed; "" when unset. */
export const readInput = (name: string): string => core.getInput(name);
