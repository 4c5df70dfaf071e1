#!/usr/bin/env node
// dist/loadgen.js: the load generator alone, one file with no dependencies beside Node,
// mounted from a ConfigMap into load-generator pods (node:24-slim). Same flags as
// `meshbench loadgen`.
import { isMainThread } from "node:worker_threads";
import { exitWith } from "./exit.ts";
import { loadgenCommand } from "./loadgen.ts";
import "../loadgen/worker.ts"; // worker threads run this same file

if (isMainThread) await exitWith(() => loadgenCommand(process.argv.slice(2)));
