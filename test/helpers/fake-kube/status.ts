// Errors as a real API server sends them: a meta/v1 Status object with the HTTP code,
// a machine-readable reason and details (client-node puts it in ApiException.body).

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: unknown[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export class ApiError extends Error {
  readonly status: Status;
  readonly headers: Record<string, string>;
  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message);
    this.status = status;
    this.headers = headers;
  }
}

const REASONS: Record<number, string> = {
  400: "BadRequest",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "AlreadyExists",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
};

export function failure(code: number, message: string, extra: Partial<Status> = {}): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: REASONS[code] ?? "Unknown",
    code,
    ...extra,
  };
}

const resourceName = (group: string, plural: string) => (group ? `${plural}.${group}` : plural);

export const notFound = (group: string, plural: string, name: string) =>
  new ApiError(
    failure(404, `${resourceName(group, plural)} "${name}" not found`, {
      details: { name, ...(group ? { group } : {}), kind: plural },
    }),
  );

export const alreadyExists = (group: string, plural: string, name: string) =>
  new ApiError(
    failure(409, `${resourceName(group, plural)} "${name}" already exists`, {
      details: { name, ...(group ? { group } : {}), kind: plural },
    }),
  );

export const conflict = (group: string, plural: string, name: string) =>
  new ApiError(
    failure(
      409,
      `Operation cannot be fulfilled on ${resourceName(group, plural)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { reason: "Conflict", details: { name, ...(group ? { group } : {}), kind: plural } },
    ),
  );

export interface Cause {
  reason: string;
  message: string;
  field: string;
}

/** 422 Invalid: `Deployment.apps "x" is invalid: f: detail`, or `[f1: d1, f2: d2]` for several. */
export function invalidCauses(kind: string, group: string, name: string, causes: Cause[]) {
  const listed = causes.map((c) => `${c.field}: ${c.message}`);
  const detail = listed.length === 1 ? listed[0] : `[${listed.join(", ")}]`;
  return new ApiError(
    failure(422, `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${detail}`, {
      details: { name, ...(group ? { group } : {}), kind, causes },
    }),
  );
}

export const invalid = (kind: string, name: string, field: string, message: string) =>
  invalidCauses(kind, "", name, [{ reason: "FieldValueInvalid", message, field }]);

export const badRequest = (message: string) => new ApiError(failure(400, message));

export function success(group: string, plural: string, name: string, uid?: string): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name, ...(group ? { group } : {}), kind: plural, ...(uid ? { uid } : {}) },
    code: 200,
  };
}
