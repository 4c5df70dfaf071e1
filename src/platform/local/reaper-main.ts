// The reaper (reaper.ts) as a program of its own: dist/reaper.js, or this file from
// sources. It loads only what it needs (about a third of the CLI's resident memory), as it
// stays up for the whole run.
import { reaperCommand } from "./reaper.ts";

process.exitCode = await reaperCommand(process.argv.slice(2));
