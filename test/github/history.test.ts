// The scheduled-report history: JSON lines on their own branch, one file per scenario and
// year, committed through the git data API (fast-forward only) with retries when another
// job moved the branch first, capped, and read back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client.ts";
import { appendHistory, readHistory } from "../../src/github/history.ts";
import {
  appendToHistory,
  type HistoryEntry,
  historyLine,
  parseHistory,
  trendSeries,
} from "../../src/github/history-format.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github/index.ts";
import { captureStdout } from "../helpers/github-env.ts";
import { historyEntry as entry } from "../helpers/history.ts";

const TOKEN = "ghs_history_writer_0007";
const READONLY = "ghs_history_reader_0008";
const BRANCH = "meshbench-history";
const FILE_2026 = "history/smoke/2026.jsonl";
let fake: FakeGitHub;

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

const at = () => ({ owner: "acme", repo: "shop", branch: BRANCH, scenario: "smoke" });
const gh = (token = TOKEN) => createGitHubClient(token, { apiUrl: fake.url });
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const out = captureStdout();
  try {
    return await fn();
  } finally {
    out.stop();
  }
}
/** Another job appends `e` to the 2026 file (a commit on the branch's head). */
const concurrentAppend = (e: HistoryEntry) => {
  const current = fake.state.file(BRANCH, FILE_2026)?.content.toString() ?? "";
  fake.state.writeFile(BRANCH, FILE_2026, `${current}${historyLine(e)}\n`);
};
const refUpdates = () =>
  fake.requests.filter((r) => r.method === "PATCH" && r.path.includes("/git/refs/"));

describe("the fake git data API answers as GitHub documents", () => {
  it("404 for a branch that does not exist; 422 for a ref update that is not a fast forward", async () => {
    const octokit = gh();
    const missing = await octokit.rest.git
      .getRef({ owner: "acme", repo: "shop", ref: "heads/nope" })
      .catch((e: { status: number; response: { data: unknown } }) => e);
    expect(missing).toMatchObject({ status: 404, response: { data: { message: "Not Found" } } });

    const first = fake.state.writeFile(BRANCH, "a", "1");
    fake.state.writeFile(BRANCH, "a", "2");
    const sideways = fake.state.commit("elsewhere", new Map(), [first]);
    const refused = await octokit.rest.git
      .updateRef({
        owner: "acme",
        repo: "shop",
        ref: `heads/${BRANCH}`,
        sha: sideways,
        force: false,
      })
      .catch((e: { status: number; response: { data: unknown } }) => e);
    expect(refused).toMatchObject({
      status: 422,
      response: { data: { message: "Update is not a fast forward" } },
    });
  });
});

describe("history on a branch", () => {
  it("creates an orphan branch holding only the history file, then appends to it", async () => {
    const first = await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    expect(first).toMatchObject({ createdBranch: true, attempts: 1, dropped: 0, path: FILE_2026 });
    const head = fake.state.commits.get(fake.state.branches.get(BRANCH)!)!;
    expect(head.parents).toEqual([]);
    expect([...head.tree.keys()]).toEqual([FILE_2026]);

    const second = await quietly(() => appendHistory(gh(), at(), entry(2, 1100)));
    expect(second).toMatchObject({ createdBranch: false, attempts: 1 });
    const tip = fake.state.commits.get(fake.state.branches.get(BRANCH)!)!;
    expect(tip.parents).toEqual([first.commitSha]); // appended, not rewritten
    const read = await readHistory(gh(), at());
    expect(read.found).toBe(true);
    expect(read.entries.map((e) => e.run.id)).toEqual([1, 2]);
    expect(read.problems).toEqual([]);
  });

  it("tells a missing branch by the 404 of its ref, whatever the message says", async () => {
    fake.fail("GET", /\/git\/ref\/heads\//, 404, 1, "Something else entirely");
    const result = await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    expect(result.createdBranch).toBe(true);
  });

  it("writes one file per year, and reads them all back in time order", async () => {
    const dec = entry(1, 1000, new Date("2026-12-30T06:00:00Z"));
    const jan = entry(2, 1100, new Date("2027-01-06T06:00:00Z"));
    await quietly(() => appendHistory(gh(), at(), dec));
    const second = await quietly(() => appendHistory(gh(), at(), jan));
    expect(second.path).toBe("history/smoke/2027.jsonl");
    const in2026 = parseHistory(fake.state.file(BRANCH, FILE_2026)!.content.toString()).entries;
    expect(in2026.map((e) => e.at)).toEqual([dec.at]);
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2]);
  });

  it("moves the single pre-rotation file into the yearly files with the next write", async () => {
    const old = [
      entry(1, 900, new Date("2025-06-01T06:00:00Z")),
      entry(2, 950, new Date("2026-01-05T06:00:00Z")),
    ];
    fake.state.writeFile(
      BRANCH,
      "history/smoke.jsonl",
      old.map((e) => `${historyLine(e)}\n`).join(""),
    );
    fake.state.writeFile(BRANCH, "history/other.jsonl", "kept\n"); // another scenario's
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2]);

    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(3, 1000, new Date("2026-02-02T06:00:00Z"))),
    );
    expect(result.migrated).toBe(2);
    const tree = fake.state.commits.get(fake.state.branches.get(BRANCH)!)!.tree;
    expect([...tree.keys()].sort()).toEqual([
      "history/other.jsonl",
      "history/smoke/2025.jsonl",
      FILE_2026,
    ]);
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2, 3]);
  });

  it("builds again on the new head when another job moved the branch (422 not a fast forward)", async () => {
    await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    // Just before our ref update, a concurrent scheduled job appends its own entry.
    fake.before("PATCH", /\/git\/refs\//, () => concurrentAppend(entry(2, 1100)));
    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(3, 1200), { retryDelayMs: 1 }),
    );
    expect(result.attempts).toBe(2);
    expect(refUpdates().map((r) => r.status)).toEqual([422, 200]);
    const read = await readHistory(gh(), at());
    expect(read.entries.map((e) => e.run.id)).toEqual([1, 2, 3]); // nothing lost
  });

  it("does not retry a 422 that is not a moved branch: it would fail the same way", async () => {
    await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    fake.fail("PATCH", /\/git\/refs\//, 422, 1, "Object does not exist");
    await expect(
      quietly(() => appendHistory(gh(), at(), entry(2, 1100), { retryDelayMs: 1 })),
    ).rejects.toMatchObject({ status: 422 });
    expect(refUpdates()).toHaveLength(1);
  });

  it("retries when another job created the branch first (422 Reference already exists)", async () => {
    fake.before("POST", /\/git\/refs$/, () => concurrentAppend(entry(1, 1000)));
    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(2, 1100), { retryDelayMs: 1 }),
    );
    expect(result).toMatchObject({ attempts: 2, createdBranch: false });
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2]);
  });

  it("retries a 5xx and a 429 as well", async () => {
    await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    fake.requests.length = 0;
    fake.fail("PATCH", /\/git\/refs\//, 502, 1, "Server Error");
    fake.fail("PATCH", /\/git\/refs\//, 429, 1, "API rate limit exceeded");
    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(2, 1100), { retryDelayMs: 1 }),
    );
    expect(result.attempts).toBe(3);
    expect(refUpdates().map((r) => r.status)).toEqual([502, 429, 200]);
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2]);
  });

  it("does not write an entry twice when a 5xx came after the write landed", async () => {
    await quietly(() => appendHistory(gh(), at(), entry(1, 1000)));
    // The write is made, but the answer is lost: GitHub says 502.
    fake.before("PATCH", /\/git\/refs\//, () => concurrentAppend(entry(2, 1100)));
    fake.fail("PATCH", /\/git\/refs\//, 502);
    const result = await quietly(() =>
      appendHistory(gh(), at(), entry(2, 1100), { retryDelayMs: 1 }),
    );
    expect(result.attempts).toBe(2);
    expect((await readHistory(gh(), at())).entries.map((e) => e.run.id)).toEqual([1, 2]);
  });

  it("gives up after the attempts, saying what GitHub answered last", async () => {
    fake.fail("PATCH", /\/git\/refs\//, 503, 3, "Service Unavailable"); // used up by the 3 attempts
    fake.state.writeFile(BRANCH, FILE_2026, "");
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

  it("writes compact lines: absent figures left out, fractions and bytes to 4 digits, ids exact", () => {
    const e = entry(123_456_789_012, 1000, new Date("2026-11-02T06:00:00Z"));
    e.meshes.linkerd!.achievedRate = 599.87654;
    e.meshes.linkerd!.dataPlaneMemoryBytes = 20_123_456;
    e.meshes.linkerd!.dataPlaneCpuCores = 0.0123456;
    const line = historyLine(e);
    expect(line).not.toContain("null");
    const back = parseHistory(line).entries[0]!;
    expect(back.run.id).toBe(123_456_789_012);
    expect(back.meshes.linkerd).toMatchObject({
      achievedRate: 599.9,
      dataPlaneMemoryBytes: 20_120_000,
      dataPlaneCpuCores: 0.01235,
      latencyUs: { p50: 800, p99: 1000 },
    });
    expect(back.meshes.istio!.controlPlaneMemoryBytes).toBeUndefined();
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
