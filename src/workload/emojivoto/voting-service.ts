// Emojivoto's voting service: one Vote RPC per emoji and Results, over gRPC. Like the
// real one it can fail doughnut votes at a given rate (the demo's injected fault) and add
// an artificial delay to every vote; both are off unless asked for.
import * as grpc from "@grpc/grpc-js";
import { VOTABLE_SHORTCODES, voteMethodName } from "./emojis.ts";
import { emojivotoServices } from "./grpc.ts";
import { Poll } from "./poll.ts";
import { type RunningGrpcServer, startGrpcServer } from "./server.ts";

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
