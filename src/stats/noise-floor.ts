// The floor a change must exceed: its threshold, or a multiple of the noise
// calibration measured where that is larger. Pure.
import type { Calibration } from "./calibration-file.ts";
import type { MetricId, Threshold } from "./metrics.ts";
import type { Floor } from "./verdict.ts";

/** The floor is this many run-to-run standard deviations (in % of the mean). */
export const NOISE_MULTIPLE = 3;

/**
 * The floor a change of `metric` must exceed: its threshold, or NOISE_MULTIPLE times the
 * calibrated run-to-run spread where that is larger (relative thresholds only: the error
 * rate's is absolute, in percentage points).
 */
export function floorFor(metric: MetricId, threshold: Threshold, calibration?: Calibration): Floor {
  const noise = calibration?.noisePct[metric];
  if (noise === undefined || threshold.kind !== "relative") return { threshold };
  const percent = NOISE_MULTIPLE * noise;
  if (percent <= threshold.percent) return { threshold };
  return { threshold, calibrated: { percent, measuredAt: calibration!.measuredAt.slice(0, 10) } };
}
