// The Action's main step. Thin: secrets masked first, inputs typed, then the same code
// the CLI runs (command: run) or the report pipeline with the GitHub side (command: report).
import { readRunContext } from "../github/context.ts";
import { info, readInput, setFailed, takeSecretInput } from "../github/runtime.ts";
import {
  maskKubeconfig,
  maskSecret,
  saveTeardownState,
  writeKubeconfig,
} from "../github/secrets.ts";
import { InputError, parseInputs } from "./inputs.ts";
import { reportStep } from "./report-step.ts";
import { runStep } from "./run-step.ts";

export async function main(): Promise<void> {
  // Before anything can print them: the token and the kubeconfig are masked and taken out
  // of the environment the step's child processes inherit.
  const token = takeSecretInput("github-token", maskSecret);
  const kubeconfig = takeSecretInput("kubeconfig", maskKubeconfig);
  const sshKey = takeSecretInput("ssh-private-key", maskSecret);
  const secrets: Record<string, string> = {
    "github-token": token,
    kubeconfig,
    "ssh-private-key": sshKey,
  };
  const inputs = parseInputs((name) => secrets[name] ?? readInput(name));
  const ctx = readRunContext();
  let kubeconfigPath: string | null = null;
  if (inputs.kubeconfig) {
    kubeconfigPath = await writeKubeconfig(ctx.tempDir, inputs.kubeconfig);
    saveTeardownState({ kubeconfigPath });
  }
  // A cancelled job gets SIGINT/SIGTERM: end the run early and keep what was measured.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (inputs.command === "run") {
    const { failedRuns } = await runStep(inputs, ctx, stop.signal, kubeconfigPath);
    if (failedRuns.length > 0)
      setFailed(
        `${failedRuns.length} run(s) failed (their results were kept): ${failedRuns.join("; ")}`,
      );
    return;
  }
  const { verdict, regressed } = await reportStep(inputs, ctx);
  info(`verdict: ${verdict}`);
  if (verdict === "regressed" && inputs.failOnRegression) {
    const what = regressed.map((r) => `${r.mesh} ${r.metric}`).join(", ");
    setFailed(`regressed: ${what} (fail-on-regression is on)`);
  }
}

try {
  await main();
} catch (error) {
  setFailed(
    error instanceof InputError
      ? error.message
      : `meshbench: ${(error as Error)?.message ?? error}`,
  );
}
