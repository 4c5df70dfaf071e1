// metrics-server comes as the release's own manifest shipped in meshbench, not downloaded:
// these are the objects of v0.7.2's components.yaml (its release notes' install line),
// and kind gets --kubelet-insecure-tls added to the Deployment.

import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { metricsServerObjects } from "../../src/provision/kind.ts";
import { METRICS_SERVER_MANIFEST } from "../../src/provision/metrics-server-manifest.ts";

type Obj = { kind: string; metadata: { name: string } };
const objects = parseAllDocuments(METRICS_SERVER_MANIFEST).map((d) => d.toJS() as Obj);

describe("the shipped metrics-server manifest", () => {
  it("holds the release's objects and image", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ServiceAccount/metrics-server",
      "ClusterRole/system:aggregated-metrics-reader",
      "ClusterRole/system:metrics-server",
      "RoleBinding/metrics-server-auth-reader",
      "ClusterRoleBinding/metrics-server:system:auth-delegator",
      "ClusterRoleBinding/system:metrics-server",
      "Service/metrics-server",
      "Deployment/metrics-server",
      "APIService/v1beta1.metrics.k8s.io",
    ]);
    expect(METRICS_SERVER_MANIFEST).toContain(
      "image: registry.k8s.io/metrics-server/metrics-server:v0.7.2\n",
    );
  });

  it("is applied with --kubelet-insecure-tls added once", () => {
    const deployment = metricsServerObjects(METRICS_SERVER_MANIFEST).find(
      (o) => (o as Obj).kind === "Deployment",
    ) as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    const args = deployment.spec.template.spec.containers[0]!.args;
    expect(args.filter((a) => a === "--kubelet-insecure-tls")).toHaveLength(1);
    expect(args).toContain("--metric-resolution=15s");
  });
});
