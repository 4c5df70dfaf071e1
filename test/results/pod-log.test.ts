// Results come back through pod logs: a real dist/loadgen.js run with --emit-results,
// its stdout dressed up the way a kubelet serves it (timestamps, interleaved lines),
// parsed back to exactly the loadgen.json and latency.hlog it wrote.
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseResultsBlock } from "../../src/results/pod-log.ts";
import { BLOCK_BEGIN, formatResultsBlock } from "../../src/results/results-block.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

const LOADGEN = new URL("../../dist/loadgen.js", import.meta.url).pathname;

let server: TestServer;
let stdout: string;
let dir: string;
beforeAll(async () => {
  server = await httpServer();
  dir = await mkdtemp(join(tmpdir(), "meshbench-emit-"));
  const r = await promisify(execFile)(
    process.execPath,
    [
      LOADGEN,
      "--url",
      `${server.url}/x`,
      "--rate",
      "200",
      "--duration",
      "1500ms",
      "--warmup",
      "500ms",
      "--out",
      dir,
      "--quiet",
      "--emit-results",
    ],
    { encoding: "utf8", timeout: 30_000 },
  );
  stdout = r.stdout;
});
afterAll(() => server.close());

const kubeletTimestamps = (text: string) =>
  text
    .split("\n")
    .map((l, i) => `2026-11-27T05:30:${String(i % 60).padStart(2, "0")}.123456789Z ${l}`)
    .join("\n");

describe("--emit-results and parseResultsBlock", () => {
  it("prints a block after the summary that parses back to the files written", async () => {
    expect(stdout).toContain("Achieved");
    expect(stdout.indexOf(BLOCK_BEGIN)).toBeGreaterThan(stdout.indexOf("Achieved"));
    const written = JSON.parse(await readFile(join(dir, "loadgen.json"), "utf8"));
    const hlog = await readFile(join(dir, "latency.hlog"), "utf8");
    const parsed = parseResultsBlock(stdout);
    expect(parsed.result).toEqual(written);
    expect(parsed.hlog).toBe(hlog);
    expect(parsed.result.achieved.requests).toBeGreaterThan(190);
  });

  it("tolerates kubelet timestamps, interleaved lines and reordered chunks", () => {
    const lines = stdout.split("\n");
    const begin = lines.findIndex((l) => l.startsWith(BLOCK_BEGIN));
    const chunks = lines.slice(begin + 1, -2);
    const noisy = [
      ...lines.slice(0, begin + 1),
      "[1.0s/1.5s] measure 200.0 rps  0 failures",
      ...chunks.reverse().flatMap((c, i) => (i % 2 ? [c, "some other line"] : [c])),
      ...lines.slice(-2),
    ].join("\n");
    const expected = parseResultsBlock(stdout);
    expect(parseResultsBlock(kubeletTimestamps(noisy))).toEqual(expected);
  });

  it("says what is wrong with a missing, cut or corrupt block", () => {
    expect(() =>
      parseResultsBlock("starting\nError: connect ECONNREFUSED\n", "pod loadgen-abc"),
    ).toThrow(
      "no meshbench results block in pod loadgen-abc (did the load generator finish, with --emit-results?); its last lines:\n    starting\n    Error: connect ECONNREFUSED",
    );
    const cut = stdout.slice(0, stdout.lastIndexOf("\nmb "));
    expect(() => parseResultsBlock(cut, "pod p")).toThrow(
      /results block in pod p is incomplete: \d+ of \d+ lines, no end marker/,
    );
    // One character of the first chunk changed: the sha256 catches it.
    const corrupt = stdout.replace(/\nmb (\d+) H4sI/, "\nmb $1 H4sJ");
    expect(corrupt).not.toBe(stdout);
    expect(() => parseResultsBlock(corrupt, "pod p")).toThrow("results block in pod p is corrupt");
  });

  it("keeps every line short enough that no container runtime splits it", () => {
    const block = formatResultsBlock(parseResultsBlock(stdout));
    for (const line of block.split("\n")) expect(line.length).toBeLessThan(1100);
  });
});
