// `meshbench target`: a plain HTTP server that answers at once, to point loadgen at.
import { startTarget } from "../workload/target.ts";
import { numberFlag, parseFlags } from "./usage.ts";

export const TARGET_HELP = `meshbench target — a plain HTTP server that answers every request at once (200 "ok")

Usage:
  meshbench target [--port N] [--host ADDR]

  --port N      port to listen on (default 8080; 0 picks a free one)
  --host ADDR   address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)

Runs until interrupted (Ctrl-C). Prints the URL it serves.
`;

export async function targetCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("target", argv, {
    port: { type: "string" },
    host: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const port =
    values.port === undefined
      ? 8080
      : numberFlag("port", values.port, { integer: true, min: 0, max: 65535 });
  const { server, url } = await startTarget(port, values.host ?? "127.0.0.1");
  process.stdout.write(`meshbench target: serving ${url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}
