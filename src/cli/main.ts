#!/usr/bin/env node
// `meshbench`: the command-line entry. Thin: picks the command, which parses its flags and
// calls the same functions the Action does.
import { isMainThread } from "node:worker_threads";
import "../loadgen/worker.ts"; // in the bundle, worker threads run this same file
import { reaperCommand } from "../platform/local/reaper.ts";
import { VERSION } from "../version.ts";
import { CALIBRATE_HELP, calibrateCommand } from "./calibrate.ts";
import { CAPACITY_HELP, capacityCommand } from "./capacity.ts";
import { cleanupCommand } from "./cleanup.ts";
import { CLEANUP_HELP } from "./cleanup-help.ts";
import { cleanupTerraformCommand } from "./cleanup-terraform.ts";
import { COMPARE_HELP, compareCommand } from "./compare.ts";
import { DOCTOR_HELP, doctorCommand } from "./doctor.ts";
import { exitWith } from "./exit.ts";
import { EXPORT_HELP, exportCommand } from "./export.ts";
import { HISTORY_PAGE_HELP, historyPageCommand } from "./history-page.ts";
import { IMPORT_HELP, importCommand } from "./import.ts";
import { LOADGEN_HELP, loadgenCommand } from "./loadgen.ts";
import { REPORT_HELP, reportCommand } from "./report.ts";
import { RUN_HELP, runCommand } from "./run.ts";
import { SCENARIO_HELP, scenarioCommand } from "./scenario.ts";
import { TARGET_HELP, targetCommand } from "./target.ts";
import { UsageError } from "./usage.ts";
import { WORKLOAD_HELP, workloadCommand } from "./workload.ts";

/** `--provider X` / `--provider=X` of `meshbench cleanup`: terraform, or a cluster (default). */
function providerFlag(argv: readonly string[]): string | undefined {
  for (const [i, a] of argv.entries()) {
    if (a === "--provider") return argv[i + 1];
    if (a.startsWith("--provider=")) return a.slice("--provider=".length);
  }
  return undefined;
}

function isProviderFlag(argv: readonly string[], i: number): boolean {
  const a = argv[i]!;
  return a.startsWith("--provider=") || a === "--provider" || argv[i - 1] === "--provider";
}

const COMMANDS: Record<
  string,
  // hidden: plumbing that meshbench runs itself, left out of the command list
  {
    run: (argv: string[]) => Promise<number>;
    help: string;
    summary: string;
    hidden?: boolean;
    /** Answers its own --help (`workload up` has a help of its own). */
    ownHelp?: boolean;
  }
> = {
  loadgen: {
    run: loadgenCommand,
    help: LOADGEN_HELP,
    summary: "drive HTTP targets at a constant rate; write latency.hlog + loadgen.json",
  },
  run: {
    run: runCommand,
    help: RUN_HELP,
    summary: "run a scenario (meshes × repetitions) on its platform, then write the report",
  },
  capacity: {
    run: capacityCommand,
    help: CAPACITY_HELP,
    summary: "per mesh, the highest rate that holds an SLO (probe runs, confirmed, with a bracket)",
  },
  cleanup: {
    // Bare metal needs no Kubernetes client; a cluster's cleanup loads it (load-kubernetes.ts).
    run: async (argv) =>
      providerFlag(argv) === "terraform"
        ? cleanupTerraformCommand(argv)
        : cleanupCommand(argv.filter((_a, i) => !isProviderFlag(argv, i))),
    help: CLEANUP_HELP,
    summary:
      "remove what killed runs left: on a cluster (meshes, namespaces, node taints), or bare metal",
  },
  doctor: {
    run: doctorCommand,
    help: DOCTOR_HELP,
    summary: "check a cluster before a run: rights, versions, metrics, nodes, tools, images",
  },
  scenario: {
    run: scenarioCommand,
    help: SCENARIO_HELP,
    summary: "check a scenario file and print its plan; --explain lists every field",
  },
  report: {
    run: reportCommand,
    help: REPORT_HELP,
    summary: "tables, charts and verdicts from results: report.md, report.html, summary.json",
  },
  "history-page": {
    run: historyPageCommand,
    help: HISTORY_PAGE_HELP,
    summary: "the history branch of scheduled reports as a static HTML dashboard",
  },
  compare: {
    run: compareCommand,
    help: COMPARE_HELP,
    summary: "verdicts of candidate results against a baseline; exit 3 on regression",
  },
  export: {
    run: exportCommand,
    help: EXPORT_HELP,
    summary: "results in other tools' formats: Bencher, github-action-benchmark, HdrHistogram …",
  },
  import: {
    run: importCommand,
    help: IMPORT_HELP,
    summary: "wrk2 (-L) or Fortio (JSON) results as a run.json that report and compare read",
  },
  calibrate: {
    run: calibrateCommand,
    help: CALIBRATE_HELP,
    summary:
      "runs of an unchanged setup: the gate's false alarms and what it can see; calibration.json",
  },
  target: {
    run: targetCommand,
    help: TARGET_HELP,
    summary: "serve a plain HTTP target that answers at once",
  },
  workload: {
    run: workloadCommand,
    help: WORKLOAD_HELP,
    summary: "run one Emojivoto service (started by the local platform)",
    hidden: true,
    ownHelp: true,
  },
  reaper: {
    run: reaperCommand,
    help: "meshbench reaper TOKEN DIR — removes a local run's processes and folder once its stdin closes (started by the local platform)\n",
    summary: "the local platform's last-resort cleanup",
    hidden: true,
  },
};

export const MAIN_HELP = `meshbench ${VERSION} — what a service mesh really costs

Usage: meshbench <command> [flags]     (meshbench <command> --help for its flags)

Commands:
${Object.entries(COMMANDS)
  .filter(([, c]) => !c.hidden)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

Quick start (this machine, no cluster: Emojivoto bare and with an HAProxy sidecar per
service, then the report in results/local-quick/):
  meshbench run scenarios/local-quick.yaml

The load generator alone, against a target of your own:
  meshbench target --port 8080 &
  meshbench loadgen --url http://127.0.0.1:8080/ --rate 1000 --duration 20s --out results/quick
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(topic ? topic.help : MAIN_HELP);
    return 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    throw new UsageError(
      `unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(", ")} (meshbench --help)`,
    );
  }
  // Every command's --help is answered here, from the same table as the command list.
  if (!command.ownHelp && (rest.includes("--help") || rest.includes("-h"))) {
    process.stdout.write(command.help);
    return 0;
  }
  return command.run(rest);
}

if (isMainThread) await exitWith(() => main(process.argv.slice(2)));
