// What of SYSTEM_DEPENDENCIES this machine has, and whether apt-get can be run here: the
// I/O half of scripts/system-deps.ts.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { findExecutable } from "../src/tools/find-executable.ts";
import { MIN_NODE } from "./bundle-options.ts";
import {
  type Host,
  isOlderNode,
  SYSTEM_DEPENDENCIES,
  type SystemDependency,
} from "./system-deps.ts";

/** The Node binary at $OLD_NODE or /usr/bin/node when it is older than MIN_NODE. */
export function olderNode(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const node = env.OLD_NODE || "/usr/bin/node";
  if (!existsSync(node)) return undefined;
  const r = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 && isOlderNode(r.stdout.trim(), MIN_NODE) ? node : undefined;
}

function isPresent(d: SystemDependency, env: NodeJS.ProcessEnv): boolean {
  const f = d.find;
  if ("command" in f) return findExecutable(f.command, env.PATH) !== undefined;
  if ("olderNode" in f) return olderNode(env) !== undefined;
  return existsSync((f.env && env[f.env]) || f.file);
}

export function missingDependencies(env: NodeJS.ProcessEnv = process.env): SystemDependency[] {
  return SYSTEM_DEPENDENCIES.filter((d) => !isPresent(d, env));
}

export function thisHost(): Host {
  const apt = findExecutable("apt-get") !== undefined;
  if (process.getuid?.() === 0) return { apt, privilege: "root" };
  const sudo = findExecutable("sudo") && spawnSync("sudo", ["-n", "true"]).status === 0;
  return { apt, privilege: sudo ? "sudo" : "none" };
}
