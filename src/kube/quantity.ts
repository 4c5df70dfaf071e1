// Kubernetes resource quantities (metrics.k8s.io reports CPU as "1234567n" and memory as
// "20480Ki"): decimal suffixes n u m k M G T P E, binary Ki Mi Gi Ti Pi Ei, and exponents
// (1e3). CPU comes out in cores, memory in bytes. Pure.

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

export function parseQuantity(text: string, field = "quantity"): number {
  const m = QUANTITY.exec(text.trim());
  if (!m)
    throw new Error(
      `${field}: "${text}" is not a Kubernetes quantity (e.g. 250m, 1500000n, 128Mi, 1G)`,
    );
  const [, number, suffix = "", exponent] = m;
  const n = Number(number);
  return exponent !== undefined ? n * 10 ** Number(exponent) : n * SUFFIX[suffix]!;
}

/** CPU usage in cores: "1500000n" → 0.0015, "250m" → 0.25, "2" → 2. */
export const cpuCores = (text: string): number => parseQuantity(text, "cpu");

/** Memory in bytes: "20480Ki" → 20971520, "1G" → 1e9. */
export const memoryBytes = (text: string): number => Math.round(parseQuantity(text, "memory"));

const DURATION_UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ns: 1e-6,
};

/**
 * A Go duration as metrics.k8s.io writes a `window` ("10.5s", "1m0.5s", "500ms", "0s"), in
 * ms.
 */
export function parseDurationMs(text: string, field = "duration"): number {
  const parts = /^(?:(?:\d+\.?\d*|\.\d+)(?:h|ms|m|s|us|µs|μs|ns))+$/.test(text)
    ? [...text.matchAll(/(\d+\.?\d*|\.\d+)(h|ms|m|s|us|µs|μs|ns)/g)]
    : text === "0"
      ? []
      : null;
  if (!parts) throw new Error(`${field}: "${text}" is not a duration (e.g. 10.5s, 1m0s, 500ms)`);
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * DURATION_UNIT_MS[unit!]!, 0);
}
