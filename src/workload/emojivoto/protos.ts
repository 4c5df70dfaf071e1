// Emojivoto's gRPC API, written out from what the real services expose (package
// emojivoto.v1; the same message, field and method names and numbers), so our services
// and the real ones speak the same wire protocol. Kept as text in a module rather than as
// .proto files so dist/cli.js carries it with no files beside it.
import { VOTABLE_SHORTCODES, voteMethodName } from "./emojis.ts";

export const EMOJI_PROTO = `syntax = "proto3";
package emojivoto.v1;

message Emoji {
  string unicode = 1;
  string shortcode = 2;
}

message ListAllEmojiRequest {}

message ListAllEmojiResponse {
  repeated Emoji list = 1;
}

message FindByShortcodeRequest {
  string Shortcode = 1;
}

// Emoji is unset when no emoji has that shortcode (not an error).
message FindByShortcodeResponse {
  Emoji Emoji = 1;
}

service EmojiService {
  rpc ListAll (ListAllEmojiRequest) returns (ListAllEmojiResponse);
  rpc FindByShortcode (FindByShortcodeRequest) returns (FindByShortcodeResponse);
}
`;

// The voting service has one RPC per emoji (VoteJoy, VotePoliceman, …) rather than one
// Vote(shortcode): that is the real API, and it gives a mesh many distinct routes to see.
export const VOTING_PROTO = `syntax = "proto3";
package emojivoto.v1;

message VotingResult {
  string Shortcode = 1;
  int32 Votes = 2;
}

message VoteRequest {}

message VoteResponse {}

message ResultsRequest {}

message ResultsResponse {
  repeated VotingResult results = 1;
}

service VotingService {
${VOTABLE_SHORTCODES.map((s) => `  rpc ${voteMethodName(s)} (VoteRequest) returns (VoteResponse);`).join("\n")}
  rpc Results (ResultsRequest) returns (ResultsResponse);
}
`;
