// What marks meshbench's objects on a cluster: every object it creates carries
// app.kubernetes.io/managed-by=meshbench and meshbench.io/run-id=<id>, so that cleanup
// (after a run, on failure, on SIGINT, or `meshbench cleanup` later) finds them by label.
import { randomBytes } from "node:crypto";
import { checked, DNS_LABEL } from "./names.ts";

export const MANAGED_BY = "app.kubernetes.io/managed-by";
export const MANAGER = "meshbench";
export const RUN_ID = "meshbench.io/run-id";
/** Node label and taint key of the load-generator node; the label's value is the run id. */
export const LOADGEN_NODE = "meshbench.io/loadgen";
/** The Pod Security admission label meshbench sets on the namespaces it creates. */
export const POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";
/** What a meshbench object is for: "workload" or "loadgen". */
export const COMPONENT = "meshbench.io/component";

/** A run id usable as a label value and inside names: mb-20261127t051500-a1b2. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase();
  return `mb-${stamp}-${randomBytes(2).toString("hex")}`;
}

export function checkRunId(runId: string): string {
  return checked("run id", runId, DNS_LABEL);
}

export function runLabels(runId: string): Record<string, string> {
  return { [MANAGED_BY]: MANAGER, [RUN_ID]: checkRunId(runId) };
}

/** The label selector of everything meshbench made (in one run, when given). */
export function managedSelector(runId?: string): string {
  return runId
    ? `${MANAGED_BY}=${MANAGER},${RUN_ID}=${checkRunId(runId)}`
    : `${MANAGED_BY}=${MANAGER}`;
}
