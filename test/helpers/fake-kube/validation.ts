// What a real API server refuses with 422 Invalid, as far as meshbench's objects go:
// names that are not DNS subdomains, bad label keys and values, ConfigMaps over 1 MiB,
// workloads without containers or images, Jobs whose pods would restart, and
// CustomResourceDefinitions whose schemas are not structural (a field without a type that
// is not marked x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields); then
// the whole object against its kind's OpenAPI schema (schema.ts).
import type { ResourceType } from "./resources.ts";
import { checkSchema } from "./schema.ts";
import { invalid } from "./status.ts";
import type { KObject } from "./store.ts";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIGMAP_MAX_BYTES = 1024 * 1024;

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
};

/** The first node of a schema that breaks the structural rule, as the API server names it. */
function unstructured(s: Schema | undefined, path: string, what: string): string | null {
  if (!s || typeof s !== "object") return null;
  const exempt =
    s["x-kubernetes-int-or-string"] === true || s["x-kubernetes-preserve-unknown-fields"] === true;
  if (!s.type && !exempt) return `${path}.type: Required value: must not be empty for ${what}`;
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const bad = unstructured(v, `${path}.properties[${k}]`, "specified object fields");
    if (bad) return bad;
  }
  if (typeof s.additionalProperties === "object") {
    const bad = unstructured(
      s.additionalProperties,
      `${path}.additionalProperties`,
      "specified object fields",
    );
    if (bad) return bad;
  }
  return unstructured(s.items, `${path}.items`, "specified array items");
}

export function validate(r: ResourceType, o: KObject): void {
  const name = o.metadata?.name ?? "";
  // RBAC objects are named by path segment only (system:aggregated-metrics-reader is valid).
  const pathSegment = r.group === "rbac.authorization.k8s.io";
  if (pathSegment && (!name || name === "." || name === ".." || /[/%]/.test(name)))
    throw invalid(
      r.kind,
      name,
      "metadata.name",
      `Invalid value: "${name}": may not contain '/' or '%'`,
    );
  if (!pathSegment && (!DNS1123_SUBDOMAIN.test(name) || name.length > 253)) {
    throw invalid(
      r.kind,
      name,
      "metadata.name",
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    const [prefix, keyName] = k.includes("/") ? k.split("/", 2) : [undefined, k];
    if (
      !keyName ||
      keyName.length > 63 ||
      !LABEL_KEY_NAME.test(keyName) ||
      (prefix !== undefined && !DNS1123_SUBDOMAIN.test(prefix))
    )
      throw invalid(
        r.kind,
        name,
        "metadata.labels",
        `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
      );
    if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v))
      throw invalid(
        r.kind,
        name,
        "metadata.labels",
        `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
  }
  if (r.kind === "ConfigMap") {
    const size = Object.entries({ ...(o.data as object), ...(o.binaryData as object) }).reduce(
      (n, [k, v]) => n + k.length + Buffer.byteLength(String(v)),
      0,
    );
    if (size > CONFIGMAP_MAX_BYTES)
      throw invalid(r.kind, name, "[]", `Too long: must have at most ${CONFIGMAP_MAX_BYTES} bytes`);
  }
  if (r.kind === "CustomResourceDefinition") {
    const versions = (o.spec?.versions ?? []) as { schema?: { openAPIV3Schema?: Schema } }[];
    versions.forEach((v, i) => {
      const path = `spec.versions[${i}].schema.openAPIV3Schema`;
      const bad = unstructured(v.schema?.openAPIV3Schema, path, "the root");
      if (bad) throw invalid(r.kind, name, bad.split(": ")[0]!, bad.slice(bad.indexOf(": ") + 2));
    });
  }
  const podSpec =
    r.kind === "Pod"
      ? o.spec
      : r.kind === "Deployment" || r.kind === "Job"
        ? o.spec?.template?.spec
        : undefined;
  if (r.kind === "Pod" || r.kind === "Deployment" || r.kind === "Job") {
    const field = r.kind === "Pod" ? "spec.containers" : "spec.template.spec.containers";
    const containers = podSpec?.containers as { name?: string; image?: string }[] | undefined;
    if (!containers?.length) throw invalid(r.kind, name, field, "Required value");
    containers.forEach((c, i) => {
      if (!c.image) throw invalid(r.kind, name, `${field}[${i}].image`, "Required value");
    });
  }
  if (r.kind === "Job" && !["Never", "OnFailure"].includes(podSpec?.restartPolicy)) {
    throw invalid(
      r.kind,
      name,
      "spec.template.spec.restartPolicy",
      `Unsupported value: "${podSpec?.restartPolicy ?? "Always"}": supported values: "OnFailure", "Never"`,
    );
  }
  checkSchema(r, o);
}
