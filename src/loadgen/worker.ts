// A load-generator worker: owns a share of the connections and the rate, runs them with
// the engine, and reports interval histograms and totals to the coordinator through a
// message port. It runs in a worker thread, or, when it is the only one, in the
// coordinator's own thread (inThreadWorker): a second V8 isolate costs ~18 MB of RSS and
// buys nothing when one engine does all the sending.
// In the bundles this module is part of dist/cli.js and dist/loadgen.js, which start a
// worker by running themselves in a thread; the check below makes that thread a worker.
import { EventEmitter } from "node:events";
import {
  isMainThread,
  MessageChannel,
  type MessagePort,
  parentPort,
  workerData,
} from "node:worker_threads";
import { encodeHistogram } from "../histogram/hdr.ts";
import { Engine } from "./engine.ts";
import { type FromWorker, type ToWorker, WORKER_MARK, type WorkerInit } from "./messages.ts";

/** What the coordinator needs of a worker: a Worker, or an in-thread one (inThreadWorker). */
export interface WorkerHandle {
  postMessage(message: ToWorker): void;
  on(event: "message", listener: (message: FromWorker) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "exit", listener: (code: number) => void): unknown;
  terminate(): Promise<unknown>;
}

/** A worker that runs in this thread, talking through a MessageChannel like a thread does. */
export function inThreadWorker(init: WorkerInit): WorkerHandle {
  const { port1, port2 } = new MessageChannel();
  const handle = new EventEmitter();
  port1.on("message", (message: FromWorker) => handle.emit("message", message));
  runWorker(init, port2);
  return Object.assign(handle, {
    postMessage: (message: ToWorker) => port1.postMessage(message),
    terminate: async () => {
      port1.close();
      port2.close();
    },
  }) as unknown as WorkerHandle;
}

/** Runs the engine for `init`, talking to the coordinator through `port`; never rejects. */
function runWorker(init: WorkerInit, port: MessagePort): void {
  const post = (message: FromWorker) => port.postMessage(message);
  start(init, port, post).catch((error: Error) =>
    post({ type: "fatal", message: error.message, stack: error.stack }),
  );
}

async function start(
  init: WorkerInit,
  port: MessagePort,
  post: (message: FromWorker) => void,
): Promise<void> {
  const engine = new Engine(init.config, (interval) => {
    post({
      type: "interval",
      index: interval.index,
      startMs: interval.startMs,
      endMs: interval.endMs,
      histogram: encodeHistogram(interval.histogram),
      lateness: encodeHistogram(interval.lateness),
      responses: interval.responses,
      failures: interval.failures,
      timeouts: interval.timeouts,
    });
  });
  await engine.open();
  port.on("message", (message: ToWorker) => {
    if (message.type === "stop") {
      engine.stop();
      return;
    }
    engine.run(message.startMs).then(
      (totals) => {
        post({
          type: "done",
          totals: {
            tally: totals.tally,
            sent: totals.sent,
            unsent: totals.unsent,
            warmup: totals.warmup,
            errorHistogram: encodeHistogram(totals.errorHistogram),
            latenessHistogram: encodeHistogram(totals.latenessHistogram),
            instrument: totals.instrument,
            paths: totals.paths.map((p) => ({
              histogram: encodeHistogram(p.histogram),
              tally: p.tally,
            })),
            endMs: totals.endMs,
          },
        });
        // Lets the thread end; an in-thread worker's ports are closed by terminate().
        if (port === parentPort) port.close();
      },
      (error: Error) => post({ type: "fatal", message: error.message, stack: error.stack }),
    );
  });
  post({ type: "ready" });
}

if (!isMainThread && parentPort && (workerData as WorkerInit | undefined)?.mark === WORKER_MARK) {
  runWorker(workerData as WorkerInit, parentPort);
}
