// Emojivoto's voting service: one Vote RPC per emoji and Results, over gRPC. Like the
// real one it fails doughnut votes at a given rate (the demo's injected fault: gRPC code
// Unknown, "ERROR", and the vote is not counted; web answers 500) and can add an
// artificial delay to every vote.
import * as grpc from "@grpc/grpc-js";
import { VOTABLE_SHORTCODES, voteMethodName } from "./emojis.ts";
import { emojivotoServices } from "./grpc.ts";
import { Poll } from "./poll.ts";
import { type RunningGrpcServer, startGrpcServer } from "./server.ts";

/**
 * The v11 images a cluster runs (src/workload/emojivoto/kubernetes.ts; v11 was built in
 * November 2020) fail every doughnut vote: their VoteDoughnut returns the error
 * unconditionally; the FAILURE_RATE variable came to the source only in April 2021, after
 * the v11 tag that upstream's own manifests still deploy. The local service does the same
 * by default, so that a vote path measures the same mix of 200s and 500s on both platforms.
 */
export const V11_DOUGHNUT_FAILURE_RATE = 1;

export interface VotingOptions {
  /** Probability (0..1) that a :doughnut: vote fails with "ERROR". */
  doughnutFailureRate: number;
  /** Added before every vote is counted. */
  artificialDelayMs: number;
  random?: () => number;
}

export async function startVotingService(
  host: string,
  port: number,
  options: VotingOptions,
): Promise<RunningGrpcServer & { poll: Poll }> {
  const poll = new Poll();
  const random = options.random ?? Math.random;
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const shortcode of VOTABLE_SHORTCODES) {
    const vote: grpc.handleUnaryCall<unknown, unknown> = (_call, callback) => {
      if (shortcode === ":doughnut:" && random() < options.doughnutFailureRate) {
        callback({ code: grpc.status.UNKNOWN, details: "ERROR" });
        return;
      }
      const count = () => {
        poll.vote(shortcode);
        callback(null, {});
      };
      if (options.artificialDelayMs > 0) setTimeout(count, options.artificialDelayMs);
      else count();
    };
    implementation[voteMethodName(shortcode)] = vote;
  }
  const Results: grpc.handleUnaryCall<unknown, unknown> = (_call, callback) =>
    callback(null, { results: poll.results() });
  implementation.Results = Results;
  const server = await startGrpcServer(emojivotoServices().voting, implementation, host, port);
  return { ...server, poll };
}
