// gRPC plumbing shared by Emojivoto's services and web: the service definitions (from
// the proto text in protos.ts), a typed promise-returning unary call, and errors worded
// the way the real (Go) web app words them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { EMOJI_PROTO, VOTING_PROTO } from "./protos.ts";

export interface EmojivotoServices {
  emoji: grpc.ServiceDefinition;
  voting: grpc.ServiceDefinition;
}

let loaded: EmojivotoServices | undefined;

/**
 * Service definitions for EmojiService and VotingService. proto-loader reads only
 * files, so the proto text is written to a private temporary directory for the moment
 * it is parsed (this is what lets the bundle carry its protos inside itself).
 */
export function emojivotoServices(): EmojivotoServices {
  if (loaded) return loaded;
  const dir = mkdtempSync(join(tmpdir(), "meshbench-proto-"));
  try {
    writeFileSync(join(dir, "Emoji.proto"), EMOJI_PROTO);
    writeFileSync(join(dir, "Voting.proto"), VOTING_PROTO);
    // keepCase: the real protos name fields Shortcode, Emoji, Votes; keep them as written.
    const pkg = protoLoader.loadSync([join(dir, "Emoji.proto"), join(dir, "Voting.proto")], {
      keepCase: true,
      defaults: true,
    });
    loaded = {
      emoji: pkg["emojivoto.v1.EmojiService"] as grpc.ServiceDefinition,
      voting: pkg["emojivoto.v1.VotingService"] as grpc.ServiceDefinition,
    };
    return loaded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function insecureClient(address: string): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure());
}

/** One unary call, as a promise; rejects with the gRPC error (code, details). */
export function unary<Res>(
  client: grpc.Client,
  method: grpc.MethodDefinition<unknown, unknown>,
  request: object,
  deadlineMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (error, response) => (error ? reject(error) : resolve(response as Res)),
    );
  });
}

// Go's codes.Code names, which the real web app prints in its error bodies.
const GO_CODE_NAMES: Record<number, string> = {
  0: "OK",
  1: "Canceled",
  2: "Unknown",
  3: "InvalidArgument",
  4: "DeadlineExceeded",
  5: "NotFound",
  6: "AlreadyExists",
  7: "PermissionDenied",
  8: "ResourceExhausted",
  9: "FailedPrecondition",
  10: "Aborted",
  11: "OutOfRange",
  12: "Unimplemented",
  13: "Internal",
  14: "Unavailable",
  15: "DataLoss",
  16: "Unauthenticated",
};

/** `rpc error: code = Unknown desc = ERROR`: how the real web app reports a failed call. */
export function describeRpcError(error: unknown): string {
  const e = error as Partial<grpc.ServiceError>;
  if (typeof e?.code !== "number") return String((error as Error)?.message ?? error);
  return `rpc error: code = ${GO_CODE_NAMES[e.code] ?? e.code} desc = ${e.details ?? ""}`;
}
