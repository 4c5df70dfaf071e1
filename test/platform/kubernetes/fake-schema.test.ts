// The fake API server refuses what a real one refuses under the Kubernetes OpenAPI schemas
// (kubernetes-models' validators), in the real answers' shapes, through the real client-node;
// and nothing meshbench builds is refused.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { applyObjects } from "../../../src/kube/apply.ts";
import { connect, type Kube } from "../../../src/kube/client.ts";
import { loadgenManifests } from "../../../src/platform/kubernetes/loadgen-manifests.ts";
import { METRICS_SERVER_MANIFEST } from "../../../src/provision/metrics-server-manifest.ts";
import { emojivotoManifests, emojivotoUrls } from "../../../src/workload/emojivoto/kubernetes.ts";
import { type FakeKube, startFakeKube } from "../../helpers/fake-kube/index.ts";
import { resourceForKind } from "../../helpers/fake-kube/resources.ts";
import type { Status } from "../../helpers/fake-kube/status.ts";
import type { KObject } from "../../helpers/fake-kube/store.ts";
import { unknownFields } from "../../helpers/fake-kube/unknown-fields.ts";
import { validate } from "../../helpers/fake-kube/validation.ts";

const RUN = "mb-test-1";
let fake: FakeKube;
let kube: Kube;

beforeEach(async () => {
  fake = await startFakeKube();
  kube = connect({ path: fake.kubeconfigPath }, { sleep: async () => {}, random: () => 0.5 });
  await applyObjects(kube, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } }], RUN);
});
afterEach(() => fake.close());

const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "x" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
    },
    ...spec,
  },
});

/** The Status the server sent, as client-node received it (ApiException.body). */
async function refusal(p: Promise<unknown>): Promise<Status> {
  const error = (await p.then(
    () => expect.unreachable("the server accepted it"),
    (e) => e,
  )) as { cause?: { body?: string } };
  return JSON.parse(error.cause?.body ?? "{}") as Status;
}

describe("schema validation", () => {
  it("answers a missing required field (server-side apply) with 422 Invalid and its cause", async () => {
    const status = await refusal(applyObjects(kube, [deployment({ selector: undefined })], RUN));
    expect(status).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Deployment.apps "web" is invalid: spec.selector: Required value',
      reason: "Invalid",
      details: {
        name: "web",
        group: "apps",
        kind: "Deployment",
        causes: [
          { reason: "FieldValueRequired", message: "Required value", field: "spec.selector" },
        ],
      },
      code: 422,
    });
    expect(fake.store.get(resourceForKind("apps/v1", "Deployment")!, "x", "web")).toBeUndefined();
  });

  it("names every cause of a typo'd object, on create (POST) as on apply", async () => {
    const body = {
      metadata: { name: "svc" },
      // `prot` for `port`, and a protocol the schema does not list.
      spec: { ports: [{ prot: 80, protocol: "tcp" }] },
    };
    const status = await refusal(
      kube.call("create service", () =>
        kube.core.createNamespacedService({ namespace: "x", body: body as never }),
      ),
    );
    expect(status.code).toBe(422);
    expect(status.message).toBe(
      'Service "svc" is invalid: [spec.ports[0].port: Required value, spec.ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"]',
    );
    expect(status.details?.causes).toEqual([
      { reason: "FieldValueRequired", message: "Required value", field: "spec.ports[0].port" },
      {
        reason: "FieldValueNotSupported",
        message: 'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
        field: "spec.ports[0].protocol",
      },
    ]);
  });

  it("answers a value of the wrong JSON type with 400 BadRequest, as Go's decoder does", async () => {
    const status = await refusal(applyObjects(kube, [deployment({ replicas: "2" })], RUN));
    expect(status.code).toBe(400);
    expect(status.reason).toBe("BadRequest");
    expect(status.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Deployment.spec.replicas of type integer',
    );
    const quantity = deployment({});
    (quantity.spec.template.spec.containers[0] as Record<string, unknown>).resources = {
      requests: { cpu: "lots" },
    };
    expect((await refusal(applyObjects(kube, [quantity], RUN))).message).toContain(
      "quantities must match the regular expression",
    );
  });

  it("checks an update (PUT) too, and leaves the stored object as it was", async () => {
    await applyObjects(kube, [deployment({})], RUN);
    const stored = fake.store.get(resourceForKind("apps/v1", "Deployment")!, "x", "web")!;
    const broken = structuredClone(stored);
    const containers = broken.spec!.template.spec.containers as { name?: string }[];
    delete containers[0]!.name;
    delete broken.metadata.resourceVersion; // unconditional: the controller writes status meanwhile
    const status = await refusal(
      kube.call("replace deployment", () =>
        kube.apps.replaceNamespacedDeployment({
          name: "web",
          namespace: "x",
          body: broken as never,
        }),
      ),
    );
    expect(status.details?.causes).toEqual([
      {
        reason: "FieldValueRequired",
        message: "Required value",
        field: "spec.template.spec.containers[0].name",
      },
    ]);
    expect(fake.store.get(resourceForKind("apps/v1", "Deployment")!, "x", "web")?.spec).toEqual(
      stored.spec,
    );
  });
});

describe("unknown fields (fieldValidation)", () => {
  const typo = deployment({});
  (typo.spec.template.spec.containers[0] as Record<string, unknown>).imagePullPolcy = "Always";
  const post = (query: string) =>
    fetch(`${fake.url}/apis/apps/v1/namespaces/x/deployments${query}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(typo),
    });

  it("warns with a 299 Warning header per field by default, and accepts the object", async () => {
    const res = await post("");
    expect(res.status).toBe(201);
    expect(res.headers.get("warning")).toBe(
      '299 - "unknown field \\"spec.template.spec.containers[0].imagePullPolcy\\""',
    );
    // A known field inside a map of labels or a list is not unknown.
    expect((await applyObjects(kube, [deployment({ replicas: 2 })], RUN))[0]).toBeDefined();
    expect(fake.requests.at(-1)?.code).toBe(200);
  });

  it("refuses with 400 BadRequest under fieldValidation=Strict (kubectl's default), says nothing under Ignore", async () => {
    const strict = await post("?fieldValidation=Strict");
    expect(strict.status).toBe(400);
    expect(((await strict.json()) as Status).message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolcy"',
    );
    const ignored = await post("?fieldValidation=Ignore");
    expect(ignored.status).toBe(201);
    expect(ignored.headers.get("warning")).toBeNull();
  });
});

describe("what meshbench builds", () => {
  const accepted = (objects: unknown[]) => {
    const plain = JSON.parse(JSON.stringify(objects)) as KObject[];
    expect(plain.length).toBeGreaterThan(0);
    for (const o of plain) {
      // Kinds the fake does not serve (metrics-server's RoleBinding) are checked all the same.
      const [group, version] = o.apiVersion!.includes("/")
        ? o.apiVersion!.split("/")
        : ["", o.apiVersion!];
      const r = resourceForKind(o.apiVersion!, o.kind!) ?? {
        group: group!,
        version: version!,
        kind: o.kind!,
        plural: "",
        namespaced: true,
      };
      expect(() => validate(r, o), `${o.kind} ${o.metadata.name}`).not.toThrow();
      expect(unknownFields(r, o), `${o.kind} ${o.metadata.name}`).toEqual([]);
    }
  };

  it("Emojivoto, every variant, validates", () => {
    accepted(emojivotoManifests({ instances: 3 }));
    accepted(
      emojivotoManifests({
        instances: 1,
        version: "v12",
        namespaceLabels: { "istio-injection": "enabled" },
        namespaceAnnotations: { "linkerd.io/inject": "enabled" },
        podAnnotations: { "sidecar.istio.io/inject": "true" },
        cpuRequest: "250m",
        image: (ref) => `registry.local:5000/${ref}`,
      }),
    );
  });

  it("the load generator's namespace, ConfigMap and Job, meshed or not, validate", () => {
    const options = {
      runId: RUN,
      script: "// dist/loadgen.js\n",
      urls: emojivotoUrls(2),
      pods: 3,
      rate: 300,
      durationMs: 60_000,
      warmupMs: 5_000,
      connections: 8,
      startAtMs: 1_800_000_000_000,
    };
    accepted(
      loadgenManifests({
        ...options,
        meshed: true,
        namespaceLabels: { "istio-injection": "enabled" },
        podAnnotations: { "linkerd.io/inject": "enabled" },
        podSecurityLabels: { "pod-security.kubernetes.io/enforce": "baseline" },
      }),
    );
    accepted(
      loadgenManifests({
        ...options,
        meshed: false,
        optOutAnnotations: { "sidecar.istio.io/inject": "false" },
      }),
    );
  });

  it("the shipped metrics-server manifest validates", () => {
    accepted(parseAllDocuments(METRICS_SERVER_MANIFEST).map((d) => d.toJS()));
  });
});
