// HdrHistogram's own Java HistogramLogProcessor (Debian's libhdrhistogram-java), the
// reference reader of .hlog files: writes `out` (per interval) and `out.hgrm` (the
// percentile distribution of all intervals added), values printed in ms.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const JAR = process.env.HDRHISTOGRAM_JAR ?? "/usr/share/java/hdrhistogram.jar";
const run = promisify(execFile);

/** With `tag`: only the log's intervals of that tag (without: the untagged ones, as the tool does). */
export async function histogramLogProcessor(
  hlogPath: string,
  out: string,
  tag?: string,
): Promise<void> {
  // Values are µs; a ratio of 1000 makes the tool print ms.
  await run("java", [
    "-cp",
    JAR,
    "org.HdrHistogram.HistogramLogProcessor",
    "-i",
    hlogPath,
    "-o",
    out,
    "-outputValueUnitRatio",
    "1000",
    ...(tag ? ["-tag", tag] : []),
  ]);
}
