// Failures are results: each is counted in its class, and the run ends on time.
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { formatSummary } from "../../src/loadgen/summary.ts";
import { load, loadRoot } from "../helpers/loadgen.ts";
import { closedPort, httpServer, silentServer } from "../helpers/servers.ts";
import { timerLateness } from "../helpers/start-at.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const failures = (e: { connect: number; reset: number; timeout: number; other: number }) =>
  e.connect + e.reset + e.timeout + e.other;

/** A run against a server that accepts and never answers: every request ends in the timeout. */
async function loadSilent(options: Parameters<typeof loadRoot>[1]) {
  const server = await silentServer();
  cleanups.push(server.close);
  return loadRoot(server, options);
}

/**
 * A target that answers after 50 ms, and when it answered: the independent count the load
 * generator's is checked against. (A busy machine fires the 50 ms timers late and slows the
 * load generator too, so the target manages fewer than 4 connections ÷ 50 ms = 80 rps; how
 * many fewer is the machine's speed, not a property of the load generator.)
 */
async function slowTarget() {
  const answeredAt: number[] = [];
  const server = await httpServer((_req, res) => {
    setTimeout(() => {
      answeredAt.push(Date.now());
      res.end("ok");
    }, 50);
  });
  cleanups.push(server.close);
  /** Answers the target gave before / from `ms` (epoch). */
  const answered = (ms: number) => {
    const before = answeredAt.filter((t) => t < ms).length;
    return { before, after: answeredAt.length - before };
  };
  return { server, answered };
}

/**
 * How long the load generator ran, from its start to its results (its own clock: a busy
 * machine's slow worker start-up is not the schedule's), less twice the worst timer
 * lateness seen meanwhile (the end is noticed by a worker's timer and then by this one's).
 */
const ranMs = (r: { startedAt: string; endedAt: string }, lateMs: number) =>
  Date.parse(r.endedAt) - Date.parse(r.startedAt) - 2 * lateMs;

describe("faults", () => {
  it("counts refused connections as connect errors, one per slot: no backoff", async () => {
    const port = await closedPort();
    const late = timerLateness();
    const run = await load({
      urls: [`http://127.0.0.1:${port}/`],
      rate: 200,
      durationMs: 1500,
      connections: 4,
    });
    const a = run.result.achieved;
    expect(ranMs(run.result, late())).toBeLessThan(1500 + 1000);
    expect(a.requests).toBe(0);
    expect(a.errors.connect).toBe(failures(a.errors));
    // Every slot of the schedule is accounted for: sent (and failed) or never sent.
    expect(a.sent + a.unsent).toBe(300);
    expect(a.sent).toBe(a.errors.connect);
    // A refusal is immediate, so every slot is tried at its own time: only a connection
    // caught mid-attempt at the end leaves slots unsent (a backoff of 10 ms … 1 s, as
    // before, sent ≈ 7 per connection here and left ≈ 270 unsent).
    expect(a.sent).toBeGreaterThanOrEqual(0.9 * 300);
    // Time to failure is kept in its own histogram.
    expect(run.result.errorLatencyUs.count).toBe(a.errors.connect);
    // With no answer there are no percentiles: the summary says so instead of printing 0s.
    expect(formatSummary(run.result)).toContain(
      "Latency: nothing was answered in the measured period",
    );
    expect(formatSummary(run.result)).not.toContain("p99.9");
  });

  it("an outage of known length: each slot due during it is an error, recovery within a period", async () => {
    // 400 rps over 2 connections: a slot every 2.5 ms, each connection's every 5 ms. The
    // server goes away (listener closed, its connections reset) for ≈ 1.5 s, then comes
    // back on the same port. The test times its own outage from both sides: it surely
    // lasted from after the close returned to before listen was called (inner), and at
    // most from before the close to the listen callback (outer). Few connections at a
    // high rate: a backoff costs errors per connection, not per slot.
    const R = 400;
    const C = 2;
    const arrivals: number[] = [];
    const sockets = new Set<Socket>();
    const server = createServer((_req, res) => {
      arrivals.push(performance.now());
      res.end("ok");
    });
    server.keepAliveTimeout = 60_000;
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const outage = { downFrom: 0, downTo: 0, upFrom: 0, upTo: 0 };
    let startPerf = 0;
    const fault = async () => {
      await sleep(1000);
      outage.downFrom = performance.now();
      server.close();
      for (const s of sockets) s.resetAndDestroy();
      outage.downTo = performance.now();
      await sleep(1500);
      outage.upFrom = performance.now();
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      outage.upTo = performance.now();
    };
    const [run] = await Promise.all([
      load(
        { urls: [`http://127.0.0.1:${port}/`], rate: R, durationMs: 3500, connections: C },
        { onStart: (startMs) => (startPerf = startMs - performance.timeOrigin) },
      ),
      fault(),
    ]);
    const a = run.result.achieved;
    const inner = outage.upFrom - outage.downTo;
    const outer = outage.upTo - outage.downFrom;
    const errors = a.errors.connect + a.errors.reset;
    expect(errors).toBe(failures(a.errors));
    // Analytic: R·outage slots are due while the port is closed, each one error. At most
    // the outer window's slots, plus one in-flight request per connection reset at the
    // close, plus the slots a busy machine made late into the outage (the run's own largest
    // send lateness). At least the inner window's, less half of them for a worker that a
    // busy machine held up until the port was back (a 10 ms … 1 s backoff gave ≈ 16 here).
    const lateMs = run.result.latenessUs!.p100 / 1000;
    expect(errors).toBeLessThanOrEqual(Math.ceil((R * (outer + lateMs)) / 1000) + C);
    expect(errors).toBeGreaterThanOrEqual(Math.floor((R * inner) / 1000 / 2));
    // Nothing lost: every slot was answered or failed (or is counted unsent).
    expect(a.sent + a.unsent).toBe(1400);
    expect(a.requests).toBe(arrivals.filter((t) => t >= startPerf).length);
    // Recovery is seen within one period (5 ms): the next slot after the reopen connects.
    // The backoff made it wait ≈ 770 ms here; the bound leaves a busy machine 300 ms.
    const firstBack = arrivals.find((t) => t >= outage.upFrom)!;
    expect(firstBack - outage.upTo).toBeLessThan(300);
    // And no wait on our side is recorded as the target's latency: answered requests
    // were never held for the outage (the backoff put ≈ 1 s into the max).
    expect(run.result.latencyUs.p100).toBeLessThan(0.4 * inner * 1000);
  });

  it("counts a connection reset in the middle of a response as reset", async () => {
    let n = 0;
    const server = await httpServer((req, res) => {
      // Every third request: headers and half a body, then the connection is reset.
      if (++n % 3 === 0) {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial", () => req.socket.resetAndDestroy());
      } else {
        res.end("ok");
      }
    });
    cleanups.push(server.close);
    const run = await loadRoot(server, { rate: 150, durationMs: 2000, connections: 4 });
    const a = run.result.achieved;
    expect(a.errors.reset).toBeGreaterThan(0);
    expect(a.errors.timeout + a.errors.connect).toBe(0);
    // About a third of what reached the server was reset.
    expect(Math.abs(a.errors.reset - n / 3)).toBeLessThanOrEqual(2);
    expect(a.status["2xx"]).toBe(a.requests);
    expect(a.requests + failures(a.errors)).toBe(a.sent);
  });

  it("counts a server that never answers as timeouts and still ends on time", async () => {
    const late = timerLateness();
    const run = await loadSilent({ rate: 100, durationMs: 1500, connections: 4, timeoutMs: 400 });
    const a = run.result.achieved;
    // The schedule ends at 1.5 s; the last answers are awaited at most the timeout.
    expect(ranMs(run.result, late())).toBeLessThan(1500 + 400 + 600);
    expect(a.requests).toBe(0);
    expect(a.errors.timeout).toBeGreaterThan(0);
    expect(a.errors.timeout).toBe(a.sent);
    expect(a.sent + a.unsent).toBe(150);
    // A timeout fails no sooner than the timeout after its send.
    expect(run.result.errorLatencyUs.p50).toBeGreaterThanOrEqual(400_000);
  });

  it("times out on time: a per-request timer, not a 100 ms sweep", async () => {
    // A silent server at 20 rps over 24 connections (a slot every 1.2 s each, longer than
    // the 1 s timeout, so no request waits for its connection), timeout 1 s: every request
    // fails at send + 1 s, so its time to failure (from the intended send) is 1 s plus the
    // timer's lateness. A sweep every 100 ms put them 0–100 ms late (p50 ≈ +50 ms; 1,099 ms
    // measured); the bound leaves a busy machine 25 ms.
    const run = await loadSilent({ rate: 20, durationMs: 2000, connections: 24, timeoutMs: 1000 });
    const e = run.result.errorLatencyUs;
    expect(run.result.achieved.errors.timeout).toBe(run.result.achieved.sent);
    expect(e.count).toBeGreaterThan(0);
    expect(e.p50).toBeGreaterThanOrEqual(1000 * 1000 - 1000); // never before the timeout (1 ms timer slack)
    expect(e.p50).toBeLessThan(1025 * 1000);
  });

  it("with no warm-up, warms each connection with one unrecorded request before slot 0", async () => {
    const server = await httpServer();
    cleanups.push(server.close);
    let startPerf = 0;
    const run = await loadRoot(
      server,
      { rate: 100, durationMs: 1000, connections: 4, warmupMs: 0 },
      { onStart: (startMs) => (startPerf = startMs - performance.timeOrigin) },
    );
    const before = server.arrivals.filter((t) => t < startPerf);
    expect(before).toHaveLength(4);
    // Not recorded: the measured requests are exactly the schedule's 100.
    expect(run.result.achieved.sent + run.result.achieved.unsent).toBe(100);
    expect(server.arrivals.length).toBe(4 + run.result.achieved.sent);
  });

  it("counts 4xx and 5xx as responses of their class, with latencies", async () => {
    let n = 0;
    const server = await httpServer((_req, res) => {
      res.statusCode = [200, 404, 503][n++ % 3]!;
      res.end();
    });
    cleanups.push(server.close);
    const run = await loadRoot(server, { rate: 300, durationMs: 1000, connections: 4 });
    const s = run.result.achieved.status;
    // All 300 answered, but for any a busy machine kept from being sent in time; a third
    // of the answers in each class.
    const answered = s["2xx"] + s["4xx"] + s["5xx"];
    expect(answered + run.result.achieved.unsent).toBe(300);
    for (const k of ["2xx", "4xx", "5xx"] as const)
      expect(Math.abs(s[k] - answered / 3)).toBeLessThanOrEqual(1);
    expect(run.result.latencyUs.count).toBe(answered);
  });

  it("shows the good rate (2xx/3xx) beside the achieved rate, over the same window", async () => {
    // Every 5th request gets an immediate 503: the achieved rate counts them, the good rate
    // does not. Both are counts of the same measured period ÷ the same measured time.
    let n = 0;
    const server = await httpServer((_req, res) => {
      res.statusCode = ++n % 5 === 0 ? 503 : 200;
      res.end();
    });
    cleanups.push(server.close);
    const run = await loadRoot(server, { rate: 200, durationMs: 1500, connections: 4 });
    const a = run.result.achieved;
    const seconds = a.measuredMs / 1000;
    expect(a.rate).toBeCloseTo(a.requests / seconds, 9);
    expect(a.goodRate).toBeCloseTo((a.status["2xx"] + a.status["3xx"]) / seconds, 9);
    // A fifth of the responses were 503 (± 1 for the warming requests' share of the count).
    expect(Math.abs(a.status["5xx"] - a.requests / 5)).toBeLessThanOrEqual(1);
    expect(a.goodRate! / a.rate).toBeCloseTo(0.8, 1);
    expect(formatSummary(run.result)).toContain("good (2xx/3xx)");
  });

  it("stays bounded under overload: the backlog is counted, not queued", async () => {
    // 4 connections, 50 ms per answer: the target manages 80 rps of the 1000 asked.
    const { server, answered } = await slowTarget();
    const run = await loadRoot(server, { rate: 1000, durationMs: 2000, connections: 4 });
    const a = run.result.achieved;
    // Every answer the target gave is counted, and no more (no answer comes sooner than
    // 50 ms on one of 4 connections: at most 80 rps).
    expect(a.requests).toBe(answered(Date.parse(run.result.startedAt)).after);
    expect(a.rate).toBeLessThan(85);
    expect(a.sent + a.unsent).toBe(2000);
    expect(a.unsent).toBeGreaterThan(1700);
    // Lateness keeps growing through the run: the slowest waited most of the run.
    expect(run.result.latencyUs.p100).toBeGreaterThan(1_500_000);
  });

  it("measures, after a warm-up, the backlog the warm-up left behind", async () => {
    // 4 connections at 250 rps each (a slot every 4 ms), 50 ms per answer: connection
    // slot k is answered at ≈ 50·(k+1) ms, so its latency is ≈ 46·k + 50 ms. The measured
    // second [1 s, 2 s) sees slots k ≈ 19…39 answered: ≈ 80 responses with latencies from
    // ≈ 0.92 s to ≈ 1.84 s, median ≈ 1.38 s. None of them was scheduled after the warm-up.
    // (With answers s ms apart the median is ≈ 1.5 s − 6 s·ms/s: still inside the bounds
    // below when a busy machine makes s longer.)
    const { server, answered } = await slowTarget();
    const run = await loadRoot(server, {
      rate: 1000,
      durationMs: 2000,
      warmupMs: 1000,
      connections: 4,
    });
    const r = run.result;
    // The target's answers from the end of the warm-up on are the measured ones, those
    // before it the warm-up's, to the 4 answers in flight at that instant.
    const split = answered(Date.parse(r.startedAt) + 1000);
    expect(Math.abs(r.achieved.requests - split.after)).toBeLessThanOrEqual(4);
    expect(Math.abs(r.warmup.requests - split.before)).toBeLessThanOrEqual(4);
    expect(r.warmup.requests).toBeGreaterThan(0);
    expect(r.achieved.rate).toBeLessThan(85);
    expect(r.latencyUs.count).toBe(r.achieved.requests);
    expect(r.latencyUs.p50).toBeGreaterThan(1_100_000);
    expect(r.latencyUs.p50).toBeLessThan(1_700_000);
    expect(r.latencyUs.mean).toBeGreaterThan(1_100_000);
    // Every slot of the schedule is accounted for once: answered in the warm-up, answered
    // in the measured period, or never sent.
    expect(r.achieved.sent + r.warmup.requests + r.warmup.failures + r.achieved.unsent).toBe(2000);
  });
});
