// A load-generator worker thread: owns a share of the connections and the rate, runs
// them with the engine, and reports interval histograms and totals to the coordinator.
// In the bundles this module is part of dist/cli.js and dist/loadgen.js, which start a
// worker by running themselves in a thread; the check below makes that thread a worker.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { encodeHistogram } from "../histogram/hdr.ts";
import { Engine } from "./engine.ts";
import { type FromWorker, type ToWorker, WORKER_MARK, type WorkerInit } from "./messages.ts";

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

async function runWorker(init: WorkerInit): Promise<void> {
  const engine = new Engine(init.config, (interval) => {
    post({
      type: "interval",
      index: interval.index,
      startMs: interval.startMs,
      endMs: interval.endMs,
      histogram: interval.index >= 0 ? encodeHistogram(interval.histogram) : null,
      lateness: interval.index >= 0 ? encodeHistogram(interval.lateness) : null,
      responses: interval.responses,
      failures: interval.failures,
      timeouts: interval.timeouts,
    });
  });
  await engine.open();
  parentPort!.on("message", (message: ToWorker) => {
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
        parentPort!.close();
      },
      (error: Error) => post({ type: "fatal", message: error.message, stack: error.stack }),
    );
  });
  post({ type: "ready" });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.mark === WORKER_MARK) {
  runWorker(workerData as WorkerInit).catch((error: Error) =>
    post({ type: "fatal", message: error.message, stack: error.stack }),
  );
}
