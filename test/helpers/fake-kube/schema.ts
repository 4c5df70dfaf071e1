// Every built-in kind of the API groups the fake serves, checked against the Kubernetes
// OpenAPI schema as the API server checks it: kubernetes-models' validators (ajv, compiled
// ahead of time, so loading them once is all the caching they need). A value of the wrong JSON type fails
// the decode (400 BadRequest, Go's json message); a missing required field, a value not in
// an enum or off a format fails validation (422 Invalid with one cause per field).
import type { Model } from "@kubernetes-models/base";
import * as admission from "kubernetes-models/admissionregistration.k8s.io/v1";
import * as apiextensions from "kubernetes-models/apiextensions.k8s.io/v1";
import * as apiregistration from "kubernetes-models/apiregistration.k8s.io/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as batch from "kubernetes-models/batch/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as rbac from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as core from "kubernetes-models/v1";
import type { ResourceType } from "./resources.ts";
import { ApiError, type Cause, failure, invalidCauses } from "./status.ts";
import type { KObject } from "./store.ts";

/** resource.Quantity's own decode check (k8s.io/apimachinery/pkg/api/resource). */
const QUANTITY = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

type ModelClass = new (data: KObject) => Model<unknown>;

type Kind = ModelClass & { apiVersion?: string; kind?: string };

/** "apps/v1/Deployment" → its model, for every kind of the API groups the fake serves. */
const MODELS: Record<string, ModelClass> = Object.fromEntries(
  [admission, apiextensions, apiregistration, apps, batch, networking, rbac, core]
    .flatMap((group) => Object.values(group) as Kind[])
    .filter((m) => typeof m === "function" && m.apiVersion && m.kind)
    .map((m) => [`${m.apiVersion}/${m.kind}`, m]),
);

/** What ajv reports (the fields the fake reads). */
interface AjvError {
  instancePath: string;
  keyword: string;
  params: {
    missingProperty?: string;
    allowedValues?: unknown[];
    type?: string;
    format?: string;
  };
  message?: string;
}

/** "/spec/containers/0/image" → "spec.containers[0].image", the API server's field path. */
function fieldPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((path, p) => (/^\d+$/.test(p) ? `${path}[${p}]` : path ? `${path}.${p}` : p), "");
}

function valueAt(o: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .reduce<unknown>((v, p) => (v as Record<string, unknown> | undefined)?.[p], o);
}

const jsonType = (v: unknown) =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "object" ? "object" : typeof v;

function cause(o: KObject, e: AjvError): Cause {
  const field = fieldPath(e.instancePath);
  if (e.keyword === "required") {
    const missing = field ? `${field}.${e.params.missingProperty}` : e.params.missingProperty!;
    return { reason: "FieldValueRequired", message: "Required value", field: missing };
  }
  const value = JSON.stringify(valueAt(o, e.instancePath));
  if (e.keyword === "enum")
    return {
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${value}: supported values: ${e.params.allowedValues!.map((a) => JSON.stringify(a)).join(", ")}`,
      field,
    };
  return { reason: "FieldValueInvalid", message: `Invalid value: ${value}: ${e.message}`, field };
}

/** Throws the API server's answer when `o` breaks its kind's schema; kinds it has none for pass. */
export function checkSchema(r: ResourceType, o: KObject): void {
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  const Model = MODELS[`${apiVersion}/${r.kind}`];
  if (!Model) return;
  // Writes to the object drop its status (the status subresource is the controllers'), and
  // the fake's controller writes only the status fields meshbench reads.
  const { status: _dropped, ...rest } = o;
  const subject = { ...rest, apiVersion, kind: r.kind };
  let errors: AjvError[];
  try {
    new Model(subject).validate();
    return;
  } catch (error) {
    errors = (error as { errors?: AjvError[] }).errors ?? [];
    if (!errors.length) throw error;
  }
  // int-or-string and quantity fields are a oneOf/anyOf of a string and a number: Go decodes
  // them whole, so a miss is one decode error at the field, not one per branch.
  const either = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  const inEither = new Set(either.map((e) => e.instancePath));
  const own = errors.filter((e) => !inEither.has(e.instancePath));
  const undecodable = [...own.filter((e) => e.keyword === "type"), ...either][0];
  if (undecodable) {
    const at = undecodable.instancePath;
    const quantity = errors.some((e) => e.instancePath === at && e.params.format === "quantity");
    const v = valueAt(subject, at);
    const goType = undecodable.keyword === "type" ? undecodable.params.type : "IntOrString";
    const why = quantity
      ? `quantities must match the regular expression '${QUANTITY}'`
      : `json: cannot unmarshal ${jsonType(v)} into Go struct field ${r.kind}.${fieldPath(at).replace(/\[\d+\]/g, "")} of type ${goType}`;
    throw new ApiError(
      failure(400, `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: ${why}`),
    );
  }
  throw invalidCauses(
    r.kind,
    r.group,
    o.metadata?.name ?? "",
    own.map((e) => cause(subject, e)),
  );
}
