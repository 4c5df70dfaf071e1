// The load generator's senders keep their priority; V8's helper threads yield the core.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { HELPER_NICE, helperThreadIds } from "../../src/loadgen/priority.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

const CLI = new URL("../../src/cli/main.ts", import.meta.url).pathname;

let server: TestServer;
afterEach(() => server?.close());

/** Name and nice value of each thread of `pid` (/proc/PID/task/TID/stat, field 19). */
async function threads(pid: number): Promise<{ name: string; nice: number }[]> {
  const dir = `/proc/${pid}/task`;
  const out: { name: string; nice: number }[] = [];
  for (const id of await readdir(dir).catch(() => [])) {
    try {
      const stat = await readFile(`${dir}/${id}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({ name, nice: Number(fields[16]) }); // field 19 of stat; 3 is fields[0]
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

describe("thread priority", () => {
  it("finds V8's helper threads by name and leaves every other thread out", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-task-"));
    const names: Record<string, string> = {
      "100": "MainThread",
      "101": "V8Worker",
      "102": "V8Worker",
      "103": "libuv-worker",
      "104": "WorkerThread",
      "105": "DelayedTaskSche",
    };
    for (const [id, name] of Object.entries(names)) {
      await mkdir(join(dir, id));
      await writeFile(join(dir, id, "comm"), `${name}\n`);
    }
    await mkdir(join(dir, "106")); // a thread that ended: no comm left to read
    expect(helperThreadIds(dir).sort()).toEqual([101, 102]);
    expect(helperThreadIds(join(dir, "no-such-dir"))).toEqual([]);
  });

  // At nice 19 already, every thread is: nothing would tell the helpers from the senders.
  it.skipIf(process.platform !== "linux" || getPriority() === HELPER_NICE)(
    "a run puts V8's helpers at the lowest priority and keeps the senders' and libuv's",
    async () => {
      server = await httpServer();
      const out = await mkdtemp(join(tmpdir(), "meshbench-priority-"));
      const args = ["loadgen", "--url", `${server.url}/`, "--rate", "100", "--connections", "4"];
      const child = spawn(
        process.execPath,
        [
          CLI,
          ...args,
          "--workers",
          "2",
          "--duration",
          "4s",
          "--warmup",
          "1s",
          "--out",
          out,
          "--quiet",
        ],
        { stdio: "ignore" },
      );
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      let seen: { name: string; nice: number }[] = [];
      let running = true;
      void exited.then(() => (running = false));
      // Polled until the schedule has started (the helpers lowered) or the run has ended.
      while (running) {
        seen = await threads(child.pid!);
        if (seen.some((t) => t.name === "V8Worker" && t.nice === HELPER_NICE)) break;
        await sleep(50);
      }
      // The run lowers the helpers one after another: the first one seen at nice 19 may
      // be read while the loop is still on the next, so look again once it has finished
      // (it is synchronous, microseconds long; the run lasts seconds longer).
      await sleep(300);
      const again = await threads(child.pid!);
      const snapshot = again.length > 0 ? again : seen;
      expect(await exited).toBe(0);

      const own = getPriority(); // what the child inherited
      const of = (name: string) => snapshot.filter((t) => t.name === name).map((t) => t.nice);
      expect(of("V8Worker").length).toBeGreaterThan(0);
      expect(new Set(of("V8Worker"))).toEqual(new Set([HELPER_NICE]));
      expect(of("MainThread")).toEqual([own]);
      expect(of("WorkerThread")).toEqual([own, own]); // the two senders
      expect(new Set(of("libuv-worker"))).toEqual(new Set([own]));
    },
  );
});
