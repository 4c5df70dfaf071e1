// Pushes OpenMetrics text to a Prometheus Pushgateway (github.com/prometheus/pushgateway):
// PUT replaces the group's metrics, so the latest export of a job is what Prometheus
// scrapes, as the Pushgateway is meant for batch jobs' results.
import { request } from "undici";
import { OPENMETRICS_CONTENT_TYPE } from "./openmetrics.ts";

/** A Pushgateway answers at once; a push waits no longer than this. */
const PUSH_TIMEOUT_MS = 30_000;

/**
 * The group's URL: `url` as given when it names one (`…/metrics/job/NAME[/label/value]…`),
 * else the job `meshbench` on the Pushgateway at `url`.
 */
export function pushUrl(url: string): string {
  const parsed = URL.parse(url);
  if (parsed === null || !/^https?:$/.test(parsed.protocol)) {
    throw new Error(`${url}: a Pushgateway URL is http:// or https://`);
  }
  if (/\/metrics\/job\/[^/]+/.test(parsed.pathname)) return parsed.href;
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, "")}/metrics/job/meshbench`;
  return parsed.href;
}

/** PUTs `text` to `target` (a group URL, pushUrl); throws saying why when it is not taken. */
export async function pushMetrics(target: string, text: string): Promise<void> {
  const response = await request(target, {
    method: "PUT",
    headers: { "content-type": OPENMETRICS_CONTENT_TYPE },
    body: text,
    headersTimeout: PUSH_TIMEOUT_MS,
    bodyTimeout: PUSH_TIMEOUT_MS,
  });
  const answer = (await response.body.text()).slice(0, 500).trim();
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new Error(`refused: HTTP ${response.statusCode}${answer ? ` (${answer})` : ""}`);
  }
}
