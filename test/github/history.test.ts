// The scheduled-report history: a JSON-lines file on its own branch, appended through the
// contents API with retries when another job wrote first, capped, and read back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client.ts";
import { appendHistory, historyPath, readHistory } from "../../src/github/history.ts";
import {
  appendToHistory,
  HISTORY_SCHEMA,
  type HistoryEntry,
  historyLine,
  parseHistory,
  trendSeries,
} from "../../src/github/history-format.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github/index.ts";
import { captureStdout } from "../helpers/github-env.ts";

const TOKEN = "ghs_history_writer_0007";
const READONLY = "ghs_history_reader_0008";
let fake: FakeGitHub;

function entry(
  runId: number,
  p99: number,
  at = new Date(Date.UTC(2026, 10, 1) + runId * 86_400_000),
): HistoryEntry {
  return {
    schema: HISTORY_SCHEMA,
    at: at.toISOString(),
    scenario: "smoke",
    run: {
      id: runId,
      url: `https://github.com/acme/shop/actions/runs/${runId}`,
      sha: "a".repeat(40),
      ref: "refs/heads/main",
      event: "schedule",
    },
    meshes: {
      linkerd: {
        achievedRate: 600,
        latencyUs: { p50: 800, p99 },
        dataPlaneMemoryBytes: 20e6,
        controlPlaneMemoryBytes: 90e6,
      },
      istio: {
        achievedRate: 598,
        latencyUs: { p50: 900, p99: p99 * 2 },
        dataPlaneMemoryBytes: 50e6,
        controlPlaneMemoryBytes: null,
      },
    },
  };
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.state.addInstallationToken(TOKEN);
  fake.state.addInstallationToken(READONLY, { readOnly: true });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.state.branches.clear();
  fake.requests.length = 0;
});

const at = () => ({
  owner: "acme",
  repo: "shop",
  branch: "meshbench-history",
  path: historyPath("smoke"),
});
const gh = (token = TOKEN) => createGitHubClient(token, { apiUrl: fake.url });
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const out = captureStdout();
  try {
    return await fn();
  } finally {
    out.stop();
  }
}

describe("history on a branch", () => {
  it("creates an orphan branch holding only the history file, then appends to it", async () => {
    const first = await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    expect(first).toMatchObject({ createdBranch: true, attempts: 1, dropped: 0 });
    const head = fake.state.commits.get(fake.state.branches.get("meshbench-history")!)!;
    expect(head.parents).toEqual([]);
    expect([...head.tree.keys()]).toEqual(["history/smoke.jsonl"]);

    const second = await quietly(() => appendHistory(gh(), at(), entry(2, 1100)));
    expect(second).toMatchObject({ createdBranch: false, attempts: 1 });
    const read = await readHistory(gh(), at());
    expect(read.found).toBe(true);
    expect(read.entries.map((e) => e.run.id)).toEqual([1, 2]);
    expect(read.problems).toEqual([]);
  });

  it("re-reads and retries when another job wrote the file in between (409 on a stale sha)", async () => {
    await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    // Just before our PUT, a concurrent scheduled job appends its own entry.
    fake.before("PUT", /\/contents\//, () => {
      const current = fake.state
        .file("meshbench-history", "history/smoke.jsonl")!
        .content.toString();
      fake.state.writeFile(
        "meshbench-history",
        "history/smoke.jsonl",
        `${current}${historyLine(entry(2, 1100))}\n`,
      );
    });
    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(3, 1200), { retryDelayMs: 1 }),
    );
    expect(result.attempts).toBe(2);
    const puts = fake.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.status)).toEqual([409, 200]);
    const read = await readHistory(gh(), at());
    expect(read.entries.map((e) => e.run.id)).toEqual([1, 2, 3]); // nothing lost
  });

  it("retries when another job created the branch first (422 Reference already exists)", async () => {
    fake.before("POST", /\/git\/refs$/, () => {
      fake.state.writeFile(
        "meshbench-history",
        "history/smoke.jsonl",
        `${historyLine(entry(1, 1000))}\n`,
      );
    });
    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(2, 1100), { retryDelayMs: 1 }),
    );
    expect(result).toMatchObject({ attempts: 2, createdBranch: false });
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2]);
  });

  it("retries a 5xx and a 429 as well", async () => {
    await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    fake.requests.length = 0;
    fake.fail("PUT", /\/contents\//, 502, 1, "Server Error");
    fake.fail("PUT", /\/contents\//, 429, 1, "API rate limit exceeded");
    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(2, 1100), { retryDelayMs: 1 }),
    );
    expect(result.attempts).toBe(3);
    expect(fake.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([
      502, 429, 200,
    ]);
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2]);
  });

  it("does not write an entry twice when a 5xx came after the write landed", async () => {
    await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    // The write is made, but the answer is lost: GitHub says 502.
    fake.before("PUT", /\/contents\//, () => {
      const current = fake.state
        .file("meshbench-history", "history/smoke.jsonl")!
        .content.toString();
      fake.state.writeFile(
        "meshbench-history",
        "history/smoke.jsonl",
        `${current}${historyLine(entry(2, 1100))}\n`,
      );
    });
    fake.fail("PUT", /\/contents\//, 502);
    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(2, 1100), { retryDelayMs: 1 }),
    );
    expect(result.attempts).toBe(2);
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2]);
  });

  it("gives up after the attempts, saying what GitHub answered last", async () => {
    fake.fail("PUT", /\/contents\//, 503, 3, "Service Unavailable"); // used up by the 3 attempts
    fake.state.writeFile("meshbench-history", "history/smoke.jsonl", "");
    await expect(
      quietly(() => appendHistory(gh(), at(), entry(1, 1), { retryDelayMs: 1, maxAttempts: 3 })),
    ).rejects.toThrow(/after 3 attempts \(last: 503 Service Unavailable\)/);
  });

  it("keeps the file under its cap by dropping the oldest entries", async () => {
    const lineBytes = Buffer.byteLength(historyLine(entry(1, 1000))) + 1;
    for (let i = 1; i <= 5; i++) {
      await quietly(() =>
        appendHistory(gh(), at(), entry(i, 1000 + i), { maxBytes: lineBytes * 3 + 10 }),
      );
    }
    const read = await readHistory(gh(), at());
    expect(read.entries.map((e) => e.run.id)).toEqual([3, 4, 5]);
  });

  it("says which permission is missing for a read-only token", async () => {
    await expect(quietly(() => appendHistory(gh(READONLY), at(), entry(1, 1)))).rejects.toThrow(
      /needs `permissions: contents: write`/,
    );
  });

  it("reads a missing branch as no history", async () => {
    expect(await readHistory(gh(), at())).toEqual({ found: false, entries: [], problems: [] });
  });
});

describe("history format", () => {
  it("skips and reports bad lines, and lines from a newer meshbench", () => {
    const text = [
      historyLine(entry(1, 1000)),
      "not json",
      JSON.stringify({ ...entry(2, 1), schema: "meshbench/history/v2" }),
      JSON.stringify({ ...entry(3, 1), meshes: { istio: { achievedRate: -1 } } }),
      "",
      historyLine(entry(4, 1300)),
    ].join("\n");
    const { entries, problems } = parseHistory(text);
    expect(entries.map((e) => e.run.id)).toEqual([1, 4]);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(problems[1]!.message).toMatch(/newer meshbench/);
  });

  it("refuses to write an invalid entry", () => {
    expect(() => historyLine({ ...entry(1, 1), at: "yesterday" })).toThrow();
  });

  it("appendToHistory refuses one entry larger than the cap", () => {
    expect(() => appendToHistory("", entry(1, 1), 10)).toThrow(/over the 10-byte cap/);
  });

  it("trendSeries gives each mesh's points oldest first", () => {
    const entries = [entry(2, 1100), entry(1, 1000)];
    const p99 = trendSeries(entries, "smoke", (m) => m.latencyUs.p99);
    expect(p99.get("linkerd")).toEqual([
      { at: entries[1]!.at, runId: 1, value: 1000 },
      { at: entries[0]!.at, runId: 2, value: 1100 },
    ]);
    const cp = trendSeries(entries, "smoke", (m) => m.controlPlaneMemoryBytes);
    expect(cp.has("istio")).toBe(false); // null values are gaps, not zeros
  });
});
