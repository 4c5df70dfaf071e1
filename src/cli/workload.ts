// `meshbench workload <service>`: runs one Emojivoto service in this process. Not for
// people: the local platform starts every service of every instance this way, as its own
// child process of the same CLI (so dist/cli.js needs nothing beside it). Prints the
// ready line (src/workload/ready-line.ts) once it serves.
import { startEmojiService } from "../workload/emojivoto/emoji-service.ts";
import {
  startVotingService,
  V11_DOUGHNUT_FAILURE_RATE,
} from "../workload/emojivoto/voting-service.ts";
import { startWeb } from "../workload/emojivoto/web.ts";
import { formatReadyLine } from "../workload/ready-line.ts";
import { durationFlag, numberFlag, parseFlags, stringFlags, UsageError } from "./usage.ts";
import { WORKLOAD_UP_HELP, workloadUpCommand } from "./workload-up.ts";

export const WORKLOAD_SERVICES = ["emojivoto-web", "emojivoto-emoji", "emojivoto-voting"] as const;

export const WORKLOAD_HELP = `meshbench workload — run one Emojivoto service (used by the local platform)

Usage:
  meshbench workload up [--instances N] [--mesh NAME|FILE]   (a person's entry; see
                                                  meshbench workload up --help)
  meshbench workload emojivoto-emoji  [--host ADDR] [--port N]
  meshbench workload emojivoto-voting [--host ADDR] [--port N]
                                      [--doughnut-failure-rate P] [--artificial-delay DUR]
  meshbench workload emojivoto-web    [--host ADDR] [--port N]
                                      --emoji-addr HOST:PORT --voting-addr HOST:PORT

  --host ADDR                  address to listen on (default 127.0.0.1)
  --port N                     port to listen on (default 0: a free one, reported)
  --emoji-addr HOST:PORT       where web finds the emoji service (or its sidecar)
  --voting-addr HOST:PORT      where web finds the voting service (or its sidecar)
  --doughnut-failure-rate P    probability (0..1) that a :doughnut: vote fails (default 1:
                               always, as the cluster's v11 image does)
  --artificial-delay DUR       delay added to every vote (default 0ms)
  --stdin-lifeline             exit when stdin closes (the parent's lifeline: a parent that
                               dies, however it dies, leaves no service behind)

Prints "meshbench-ready {"service":…,"port":…}" once serving; stops on SIGINT/SIGTERM.
`;

const FLAGS = {
  ...stringFlags(
    "host",
    "port",
    "emoji-addr",
    "voting-addr",
    "doughnut-failure-rate",
    "artificial-delay",
  ),
  "stdin-lifeline": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/;

function addrFlag(flag: string, value: string | undefined): string {
  if (value === undefined)
    throw new UsageError(`--${flag}: required; e.g. --${flag} 127.0.0.1:8080`);
  if (!HOST_PORT.test(value)) throw new UsageError(`--${flag}: "${value}" is not HOST:PORT`);
  return value;
}

export { WORKLOAD_UP_HELP };

export async function workloadCommand(argv: string[]): Promise<number> {
  if (argv[0] === "up") return workloadUpCommand(argv.slice(1));
  const { values, positionals } = parseFlags("workload", argv, FLAGS, true);
  if (values.help || positionals.length === 0) {
    process.stdout.write(WORKLOAD_HELP);
    return values.help ? 0 : 2;
  }
  const [service, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const host = values.host ?? "127.0.0.1";
  const port =
    values.port === undefined
      ? 0
      : numberFlag("port", values.port, { integer: true, min: 0, max: 65535 });

  let running: { port: number; close(): Promise<void> };
  switch (service) {
    case "emojivoto-emoji":
      running = await startEmojiService(host, port);
      break;
    case "emojivoto-voting":
      running = await startVotingService(host, port, {
        doughnutFailureRate:
          values["doughnut-failure-rate"] === undefined
            ? V11_DOUGHNUT_FAILURE_RATE
            : numberFlag("doughnut-failure-rate", values["doughnut-failure-rate"], {
                min: 0,
                max: 1,
              }),
        artificialDelayMs:
          values["artificial-delay"] === undefined
            ? 0
            : durationFlag("artificial-delay", values["artificial-delay"], { allowZero: true }),
      });
      break;
    case "emojivoto-web":
      running = await startWeb({
        host,
        port,
        emojiAddr: addrFlag("emoji-addr", values["emoji-addr"]),
        votingAddr: addrFlag("voting-addr", values["voting-addr"]),
      });
      break;
    default:
      throw new UsageError(
        `unknown workload service "${service}"; services: ${WORKLOAD_SERVICES.join(", ")}`,
      );
  }
  process.stdout.write(formatReadyLine({ service, port: running.port }));

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      // An open stdin would keep this process alive after the server is closed.
      if (values["stdin-lifeline"]) process.stdin.destroy();
      running.close().then(resolve, resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (values["stdin-lifeline"]) {
      process.stdin.on("end", stop).on("close", stop).on("error", stop).resume();
    }
  });
  return 0;
}
