// One worker's share of the load: its connections, each on a fixed schedule, one request
// in flight per connection (HTTP/1.1 keep-alive on a raw socket: http1-connection.ts).
//
// The pacer keeps idle connections in a min-heap by due time; one timer serves them
// all. A connection that is late (its previous response came after its next slot) sends
// at once to catch up and never skips a slot. Latency = response end − intended send
// time. Memory stays flat under overload: the backlog is a slot counter per connection,
// not a queue.
//
// An outcome belongs to the measured period when it comes at or after the warm-up's end,
// whenever its slot was: under overload the backlog left by the warm-up is answered
// during the measured period, and its lateness is part of what the target did then
// (wrk2 does the same). Sorting by slot instead would record nothing at all once the
// target falls a whole warm-up behind.
import {
  type EventLoopUtilization,
  monitorEventLoopDelay,
  performance as nodePerformance,
} from "node:perf_hooks";
import { createHistogram, type Histogram, recordUs } from "../histogram/hdr.ts";
import type { InstrumentLoad } from "../results/loadgen-schema.ts";
import type { Pacing } from "../scenario/method.ts";
import { classifyFailure, RequestTimeout } from "./errors.ts";
import { MinHeap } from "./heap.ts";
import { type ExchangeHandler, Http1Connection, requestBytes } from "./http1-connection.ts";
import type { ConnectionSpec } from "./plan.ts";
import { intendedAt, slotsBefore } from "./schedule.ts";
import { addFailure, addStatus, newTally, type Tally } from "./tally.ts";

export interface EngineConfig {
  urls: readonly string[];
  /** This worker's connections. */
  connections: readonly ConnectionSpec[];
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
  intervalMs: number;
  pacing: Pacing;
}

/** One interval's worth of completions; histograms are live and reset after the call. */
export type IntervalSink = (interval: {
  /** Interval number counted from the measured start; negative during warm-up. */
  index: number;
  startMs: number;
  endMs: number;
  /**
   * Latencies of this interval's responses (and timeouts, at their elapsed time). A
   * warm-up interval's (index < 0) are the warm-up's, part of no result: they make the
   * warm-up run the reporting path (encode, send, decode) at full volume, so that the
   * first measured interval does not pay for its first use (8 + 16 ms at 50,000 rps).
   */
  histogram: Histogram;
  /** Every completion in the interval (warm-up included), for progress lines. */
  responses: number;
  failures: number;
  /** Of `histogram`'s values, how many are timed-out requests (lower bounds). */
  timeouts: number;
  /** Send lateness of this interval's responses and timeouts (one per outcome). */
  lateness: Histogram;
}) => void;

export interface PathTotals<H = Histogram> {
  histogram: H;
  tally: Tally;
}

/** A worker's totals; its histograms live (H = Histogram) or encoded for a message (string). */
export interface EngineTotals<H = Histogram> {
  tally: Tally;
  sent: number;
  unsent: number;
  warmup: { requests: number; failures: number };
  errorHistogram: H;
  /** Send lateness (actual − intended send) of the requests sent in the measured period. */
  latenessHistogram: H;
  /** Indexed like the URL list; only measured-period outcomes. */
  paths: PathTotals<H>[];
  /**
   * When this worker's schedule ended (epoch ms): its planned end, or the instant it
   * stopped on SIGINT, which a busy machine delivers later than it was asked for.
   */
  endMs: number;
  /** How busy this worker's own event loop was over the run: its saturation. */
  instrument: InstrumentLoad;
}

/** Precise pacing polls the event loop (never blocking it) for this long before a send. */
const SPIN_MS = 2;
/** The longest a warming request (warm-up 0) is waited for before the schedule. */
const WARM_WAIT_MS = 1000;
/** Sampling of the event-loop delay (Node's histogram; finer costs more timer wake-ups). */
const LOOP_DELAY_RESOLUTION_MS = 10;

/** The host net.connect wants: URL keeps an IPv6 literal's brackets ("[::1]"). */
export const socketHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, "$1");

// Wall clock ↔ this thread's monotonic clock.
const toPerf = (epochMs: number) => epochMs - performance.timeOrigin;
const toEpoch = (perfMs: number) => perfMs + performance.timeOrigin;

class Connection implements ExchangeHandler {
  readonly spec: ConnectionSpec;
  readonly engine: Engine;
  readonly http: Http1Connection;
  /** One prebuilt request per URL of this connection, sent as is every time. */
  readonly requests: Buffer[];
  /** Next slot to send (or the one in flight). */
  slot = 0;
  /** The first slot past the end. */
  endSlot = 0;
  due = 0;
  inFlight = false;
  finished = false;
  sentAt = 0;
  status = 0;
  /** This connection's request timer, re-armed (refresh) at every send. */
  timeoutTimer: NodeJS.Timeout | null = null;
  /** Settles the warming request (see warm), when one is out. */
  warming: (() => void) | null = null;

  constructor(engine: Engine, spec: ConnectionSpec, urls: readonly string[]) {
    this.engine = engine;
    this.spec = spec;
    this.requests = spec.urls.map((i) => requestBytes(new URL(urls[i]!)));
    const origin = new URL(spec.origin);
    this.http = new Http1Connection(
      socketHost(origin),
      Number(origin.port) || 80,
      engine.config.timeoutMs,
      this,
    );
  }

  /**
   * One request outside the schedule, not recorded: with no warm-up, the first slots would
   * otherwise measure the tool's own cold start (socket, the parser, our send path).
   * A target that does not answer in WARM_WAIT_MS is not waited for longer.
   */
  warm(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.http.abort(new RequestTimeout(WARM_WAIT_MS)),
        WARM_WAIT_MS,
      );
      this.warming = () => {
        clearTimeout(timer);
        this.warming = null;
        resolve();
      };
      this.http.send(this.requests[0]!);
    });
  }

  onResponse(statusCode: number): void {
    this.status = statusCode;
    if (this.warming) this.warming();
    else this.engine.onResponse(this);
  }

  onFailure(error: Error): void {
    if (this.warming) this.warming();
    else this.engine.onFailure(this, error);
  }
}

export class Engine {
  readonly config: EngineConfig;
  private readonly connections: Connection[];
  private readonly heap = new MinHeap<Connection>((c) => c.due);
  private readonly onInterval: IntervalSink;

  // Timeline, in this thread's performance.now() milliseconds.
  private startPerf = 0;
  private measureStartPerf = 0;
  private endPerf = 0;

  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private timerDue = Number.POSITIVE_INFINITY;
  private endTimer: NodeJS.Timeout | null = null;
  private intervalTimer: NodeJS.Timeout | null = null;

  private intervalIndex = 0;
  private intervalStartPerf = 0;
  private intervalEndPerf = 0;
  private readonly intervalHistogram = createHistogram();
  private readonly intervalLateness = createHistogram();
  private intervalResponses = 0;
  private intervalFailures = 0;
  private intervalTimeouts = 0;

  private readonly totals: Omit<EngineTotals, "endMs">;
  private utilizationAtStart: EventLoopUtilization | null = null;
  private readonly loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  private unfinished = 0;
  private resolveDone: (() => void) | null = null;

  constructor(config: EngineConfig, onInterval: IntervalSink) {
    this.config = config;
    this.onInterval = onInterval;
    this.connections = config.connections.map((spec) => new Connection(this, spec, config.urls));
    this.totals = {
      tally: newTally(),
      sent: 0,
      unsent: 0,
      warmup: { requests: 0, failures: 0 },
      errorHistogram: createHistogram(),
      latenessHistogram: createHistogram(),
      instrument: { utilization: 0, loopDelayP99Us: 0, loopDelayMaxUs: 0 },
      paths: config.urls.map(() => ({ histogram: createHistogram(), tally: newTally() })),
    };
  }

  /**
   * Opens every connection; call before `run` so the schedule starts on open sockets. With
   * no warm-up, each connection also sends one unrecorded request first.
   */
  async open(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.http.preopen()));
    if (this.config.warmupMs === 0) await Promise.all(this.connections.map((c) => c.warm()));
  }

  /** Runs the schedule from `startMs` (epoch ms) to the end, then waits for answers. */
  run(startMs: number): Promise<EngineTotals> {
    const { warmupMs, durationMs, intervalMs } = this.config;
    this.startPerf = toPerf(startMs);
    this.utilizationAtStart = nodePerformance.eventLoopUtilization();
    this.loopDelay.enable();
    this.measureStartPerf = this.startPerf + warmupMs;
    this.endPerf = this.startPerf + durationMs;
    this.intervalIndex = Math.floor(-warmupMs / intervalMs) + 0; // + 0: no -0
    this.intervalStartPerf = this.measureStartPerf + this.intervalIndex * intervalMs;
    this.intervalEndPerf = this.intervalStartPerf + intervalMs;

    for (const c of this.connections) {
      // From the integer duration, not endPerf − startPerf (a float difference).
      c.endSlot = slotsBefore(0, c.spec, durationMs);
      this.unfinished++;
      this.schedule(c, performance.now());
    }
    const done = new Promise<void>((resolve) => {
      this.resolveDone = resolve;
    });
    this.armEnd();
    this.armIntervalTimer();
    this.checkDone();
    return done.then(() => this.finish());
  }

  /** Ends the schedule now (SIGINT); answers in flight are still awaited. */
  stop(): void {
    const now = performance.now();
    if (now < this.endPerf) {
      this.endPerf = Math.max(now, this.startPerf);
      // Slots after the stop were never due: they are not "unsent".
      for (const c of this.connections)
        c.endSlot = slotsBefore(this.startPerf, c.spec, this.endPerf);
      this.armEnd();
    }
  }

  // ---- the pacer ----

  private schedule(c: Connection, now: number): void {
    if (c.slot >= c.endSlot || now >= this.endPerf) {
      this.finishConnection(c);
      return;
    }
    const due = intendedAt(this.startPerf, c.spec, c.slot);
    if (due <= now) {
      this.send(c, now);
    } else {
      c.due = due;
      this.heap.push(c);
      if (due < this.timerDue) this.arm(due);
    }
  }

  private send(c: Connection, now: number): void {
    c.inFlight = true;
    c.sentAt = now;
    c.status = 0;
    c.http.send(c.requests[c.slot % c.requests.length]!);
    // One timer per connection, re-armed per request (no allocation): a timeout fires on
    // time, not at the next tick of a sweep (which made them up to 100 ms late).
    if (c.timeoutTimer) c.timeoutTimer.refresh();
    else c.timeoutTimer = setTimeout(() => this.onTimeout(c), this.config.timeoutMs);
  }

  private arm(due: number): void {
    this.clearTimer();
    this.timerDue = due;
    const wait = due - performance.now();
    if (this.config.pacing === "precise" && wait < SPIN_MS) {
      this.immediate = setImmediate(this.onTimer);
    } else {
      const lead = this.config.pacing === "precise" ? SPIN_MS : 0;
      this.timer = setTimeout(this.onTimer, Math.max(0, wait - lead));
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.timerDue = Number.POSITIVE_INFINITY;
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.immediate = null;
    this.timerDue = Number.POSITIVE_INFINITY;
    this.sendDue(performance.now());
    const next = this.heap.peek();
    if (next) this.arm(next.due);
  };

  /**
   * Sends every idle connection whose slot has come. A slot due before the end is sent
   * even if the timer woke a little after the end: timer lateness must not cost slots.
   */
  private sendDue(now: number): void {
    const heap = this.heap;
    for (let c = heap.peek(); c && c.due <= now; c = heap.peek()) {
      heap.pop();
      if (c.finished) continue;
      if (c.due >= this.endPerf) this.finishConnection(c);
      else this.send(c, now);
    }
  }

  // ---- outcomes ----

  /**
   * Latency of the outcome now (µs from the intended send), recording on the way how late
   * the request left: the instrument's own error, part of that latency, kept apart to be
   * reported beside it (one value per measured outcome, like the latencies; a warm-up
   * outcome's goes only to its interval, see IntervalSink).
   */
  private measuredUs(c: Connection, now: number): number {
    const intended = intendedAt(this.startPerf, c.spec, c.slot);
    const lateUs = Math.round((c.sentAt - intended) * 1000);
    if (now >= this.measureStartPerf) recordUs(this.totals.latenessHistogram, lateUs);
    recordUs(this.intervalLateness, lateUs);
    return Math.round((now - intended) * 1000);
  }

  onResponse(c: Connection): void {
    const now = performance.now();
    if (now >= this.intervalEndPerf) this.rollIntervals(now);
    this.intervalResponses++;
    if (now >= this.measureStartPerf) {
      this.totals.sent++;
      const us = this.measuredUs(c, now);
      const path = this.totals.paths[c.spec.urls[c.slot % c.spec.urls.length]!]!;
      recordUs(this.intervalHistogram, us);
      recordUs(path.histogram, us);
      addStatus(this.totals.tally, c.status);
      addStatus(path.tally, c.status);
    } else {
      this.totals.warmup.requests++;
      recordUs(this.intervalHistogram, this.measuredUs(c, now));
    }
    this.next(c, now);
  }

  onFailure(c: Connection, error: Error): void {
    const now = performance.now();
    if (now >= this.intervalEndPerf) this.rollIntervals(now);
    this.intervalFailures++;
    if (now >= this.measureStartPerf) {
      this.totals.sent++;
      const kind = classifyFailure(error);
      const us = this.measuredUs(c, now);
      const path = this.totals.paths[c.spec.urls[c.slot % c.spec.urls.length]!]!;
      recordUs(this.totals.errorHistogram, us);
      // A timed-out request stays in the tail, at its elapsed time (a lower bound; the
      // tally's timeout count says how many such values the latencies hold).
      if (kind === "timeout") {
        recordUs(this.intervalHistogram, us);
        this.intervalTimeouts++;
        recordUs(path.histogram, us);
      }
      addFailure(this.totals.tally, kind);
      addFailure(path.tally, kind);
    } else {
      this.totals.warmup.failures++;
    }
    // No backoff: the next slot goes out at its own intended time (a new connection if
    // need be). A pause here would be recorded as the target's latency once it is back,
    // and would hide the slots due meanwhile; each slot due during an outage is a failure,
    // and recovery is seen within one period (as wrk2 does). The next send may open a
    // socket: not from inside the failing socket's own event, but in the next tick.
    process.nextTick(() => this.next(c, performance.now()));
  }

  private next(c: Connection, now: number): void {
    c.inFlight = false;
    c.slot++;
    this.schedule(c, now);
    // The loop is awake anyway: send whatever else has come due.
    const top = this.heap.peek();
    if (top && top.due <= now) this.sendDue(now);
  }

  /** The connection's timer, `timeoutMs` after its latest send. */
  private onTimeout(c: Connection): void {
    if (c.inFlight) c.http.abort(new RequestTimeout(this.config.timeoutMs));
  }

  // ---- the end ----

  private armEnd(): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = setTimeout(
      () => {
        const now = performance.now();
        // Node's timers fire up to ~1 ms early by performance.now(): wait for the real end.
        if (now < this.endPerf) {
          this.armEnd();
          return;
        }
        this.sendDue(now);
        // Idle connections have nothing left to send; busy ones finish on their answer
        // (their remaining slots are unsent: the target kept them busy past the end).
        for (const c of this.connections) if (!c.inFlight) this.finishConnection(c);
        if (now >= this.intervalEndPerf) this.rollIntervals(now);
      },
      Math.max(0, this.endPerf - performance.now()),
    );
  }

  private finishConnection(c: Connection): void {
    if (c.finished) return;
    c.finished = true;
    if (c.endSlot > c.slot) this.totals.unsent += c.endSlot - c.slot;
    this.unfinished--;
    this.checkDone();
  }

  private checkDone(): void {
    if (this.unfinished === 0 && this.resolveDone) {
      const resolve = this.resolveDone;
      this.resolveDone = null;
      resolve();
    }
  }

  private armIntervalTimer(): void {
    if (this.intervalTimer) clearTimeout(this.intervalTimer);
    this.intervalTimer = setTimeout(
      () => {
        const now = performance.now();
        if (now >= this.intervalEndPerf) this.rollIntervals(now);
        this.armIntervalTimer();
      },
      Math.max(0, this.intervalEndPerf - performance.now()),
    );
  }

  /** Emits every interval that ended by `now` (empty ones too: a stall is a result). */
  private rollIntervals(now: number): void {
    while (now >= this.intervalEndPerf) {
      this.emitInterval(this.intervalEndPerf);
      this.intervalIndex++;
      this.intervalStartPerf = this.intervalEndPerf;
      this.intervalEndPerf += this.config.intervalMs;
    }
  }

  private emitInterval(endPerf: number): void {
    this.onInterval({
      index: this.intervalIndex,
      startMs: toEpoch(this.intervalStartPerf),
      endMs: toEpoch(endPerf),
      histogram: this.intervalHistogram,
      responses: this.intervalResponses,
      failures: this.intervalFailures,
      timeouts: this.intervalTimeouts,
      lateness: this.intervalLateness,
    });
    this.intervalHistogram.reset();
    this.intervalLateness.reset();
    this.intervalResponses = 0;
    this.intervalFailures = 0;
    this.intervalTimeouts = 0;
  }

  private finish(): EngineTotals {
    this.clearTimer();
    this.loopDelay.disable();
    this.totals.instrument = {
      utilization: nodePerformance.eventLoopUtilization(this.utilizationAtStart!).utilization,
      loopDelayP99Us: Math.round(this.loopDelay.percentile(99) / 1000),
      loopDelayMaxUs: Math.round(this.loopDelay.max / 1000),
    };
    for (const t of [this.endTimer, this.intervalTimer]) if (t) clearTimeout(t);
    for (const c of this.connections) if (c.timeoutTimer) clearTimeout(c.timeoutTimer);
    // Every slot can be answered a little before the schedule's end (the last slot is one
    // period before it): the measured period still runs to the end, so do its intervals.
    const now = Math.max(performance.now(), this.endPerf);
    this.rollIntervals(now);
    // The last, partial interval: responses that came in after the schedule ended.
    if (now > this.intervalStartPerf) this.emitInterval(now);
    for (const c of this.connections) c.http.close();
    return { ...this.totals, endMs: toEpoch(this.endPerf) };
  }
}
