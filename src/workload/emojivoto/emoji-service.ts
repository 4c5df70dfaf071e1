// Emojivoto's emoji service: ListAll and FindByShortcode over gRPC. An unknown shortcode
// is not an error: the response simply has no Emoji (web turns that into a 400).
import type * as grpc from "@grpc/grpc-js";
import { EMOJIS, findEmoji } from "./emojis.ts";
import { emojivotoServices } from "./grpc.ts";
import { type RunningGrpcServer, startGrpcServer } from "./server.ts";

type Unary = grpc.handleUnaryCall<Record<string, unknown>, unknown>;

export function startEmojiService(host: string, port: number): Promise<RunningGrpcServer> {
  const ListAll: Unary = (_call, callback) => callback(null, { list: EMOJIS });
  const FindByShortcode: Unary = (call, callback) => {
    const found = findEmoji(String(call.request.Shortcode ?? ""));
    callback(null, found ? { Emoji: found } : {});
  };
  return startGrpcServer(emojivotoServices().emoji, { ListAll, FindByShortcode }, host, port);
}
