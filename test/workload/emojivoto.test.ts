// Emojivoto's three services as real gRPC and HTTP servers on loopback, in this process:
// the behaviour of the real app's API (votes counted and shown, the list, its errors).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmojiService } from "../../src/workload/emojivoto/emoji-service.ts";
import {
  EMOJIS,
  findEmoji,
  VOTABLE_SHORTCODES,
  voteMethodName,
} from "../../src/workload/emojivoto/emojis.ts";
import { emojivotoServices } from "../../src/workload/emojivoto/grpc.ts";
import { Poll } from "../../src/workload/emojivoto/poll.ts";
import { startVotingService } from "../../src/workload/emojivoto/voting-service.ts";
import { type RunningWeb, startWeb } from "../../src/workload/emojivoto/web.ts";

async function get(url: string) {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: await response.text(),
  };
}

describe("emoji list and naming", () => {
  it("has the real app's 99 emoji, starting with :joy: and ending with :poop:", () => {
    expect(EMOJIS).toHaveLength(99);
    expect(EMOJIS[0]).toEqual({ shortcode: ":joy:", unicode: "😂" });
    expect(EMOJIS.at(-1)).toEqual({ shortcode: ":poop:", unicode: "💩" });
    expect(new Set(EMOJIS.map((e) => e.shortcode)).size).toBe(99);
    expect(findEmoji(":relaxed:")).toBeUndefined();
  });

  it("has exactly the real emoji_codemap.go's characters, in the real list's order", () => {
    // Extracted from BuoyantIO/emojivoto (the fixture names the commit): shortcode and code
    // points, joiners and variation selectors included.
    const real = readFileSync(
      new URL("../fixtures/emojivoto/emoji-codemap.tsv", import.meta.url),
      "utf8",
    )
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => {
        const [shortcode, codePoints] = line.split("\t");
        return {
          shortcode,
          unicode: String.fromCodePoint(
            ...codePoints!.split(" ").map((cp) => Number.parseInt(cp.slice(2), 16)),
          ),
        };
      });
    expect(real).toHaveLength(99);
    expect(EMOJIS).toEqual(real);
  });

  it("names one Vote RPC per emoji as the real service does", () => {
    expect(voteMethodName(":joy:")).toBe("VoteJoy");
    expect(voteMethodName(":stuck_out_tongue_winking_eye:")).toBe("VoteStuckOutTongueWinkingEye");
    expect(voteMethodName(":point_up_2:")).toBe("VotePointUp2");
    expect(voteMethodName(":100:")).toBe("Vote100");
    expect(voteMethodName(":jack_o_lantern:")).toBe("VoteJackOLantern");
    expect(VOTABLE_SHORTCODES).toContain(":relaxed:");
  });

  it("defines the wire paths of the real API", () => {
    const { emoji, voting } = emojivotoServices();
    expect(emoji.ListAll!.path).toBe("/emojivoto.v1.EmojiService/ListAll");
    expect(emoji.FindByShortcode!.path).toBe("/emojivoto.v1.EmojiService/FindByShortcode");
    expect(voting.VotePoliceman!.path).toBe("/emojivoto.v1.VotingService/VotePoliceman");
    expect(voting.Results!.path).toBe("/emojivoto.v1.VotingService/Results");
    expect(Object.keys(voting)).toHaveLength(VOTABLE_SHORTCODES.length + 1);
  });
});

describe("Poll", () => {
  it("counts votes and lists the most voted first, ties in order of first vote", () => {
    const poll = new Poll();
    poll.vote(":joy:");
    poll.vote(":flushed:");
    poll.vote(":policeman:");
    poll.vote(":policeman:");
    expect(poll.results()).toEqual([
      { Shortcode: ":policeman:", Votes: 2 },
      { Shortcode: ":joy:", Votes: 1 },
      { Shortcode: ":flushed:", Votes: 1 },
    ]);
  });
});

describe("web → emoji, voting over gRPC", () => {
  const stops: Array<() => Promise<void>> = [];
  let web: RunningWeb;
  let base: string;

  beforeAll(async () => {
    const emoji = await startEmojiService("127.0.0.1", 0);
    // Doughnut votes always fail here: the real app's injected fault, at rate 1.
    const voting = await startVotingService("127.0.0.1", 0, {
      doughnutFailureRate: 1,
      artificialDelayMs: 0,
    });
    web = await startWeb({
      host: "127.0.0.1",
      port: 0,
      emojiAddr: `127.0.0.1:${emoji.port}`,
      votingAddr: `127.0.0.1:${voting.port}`,
    });
    stops.push(web.close, emoji.close, voting.close);
    base = `http://127.0.0.1:${web.port}`;
  });
  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
  });

  it("lists every emoji as {shortcode, unicode}", async () => {
    const r = await get(`${base}/api/list`);
    expect(r.status).toBe(200);
    expect(r.type).toBe("application/json; charset=UTF-8");
    const list = JSON.parse(r.body) as Array<{ shortcode: string; unicode: string }>;
    expect(list).toHaveLength(99);
    expect(list[0]).toEqual({ shortcode: ":joy:", unicode: "😂" });
    expect(list.map((e) => e.shortcode)).toContain(":policeman:");
  });

  it("shows a vote on the leaderboard, counts as strings, most voted first", async () => {
    expect((await get(`${base}/api/leaderboard`)).body).toBe("[]\n");
    for (const choice of [":flushed:", ":policeman:", ":policeman:"]) {
      const r = await get(`${base}/api/vote?choice=${choice}`);
      expect(r.status).toBe(200);
      expect(r.body).toBe("");
    }
    const board = await get(`${base}/api/leaderboard`);
    expect(board.status).toBe(200);
    expect(JSON.parse(board.body)).toEqual([
      { shortcode: ":policeman:", unicode: "👮", votes: "2" },
      { shortcode: ":flushed:", unicode: "😳", votes: "1" },
    ]);
  });

  it("refuses an unknown choice with 400 and the real app's message", async () => {
    const r = await get(`${base}/api/vote?choice=:unicorn:`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({
      error: "Choosen emoji shortcode [:unicorn:] doesnt exist",
    });
    // :relaxed: has a Vote RPC but is not on the list: web refuses it the same way.
    expect((await get(`${base}/api/vote?choice=:relaxed:`)).status).toBe(400);
  });

  it("takes the choice from a POST form body too, as Go's FormValue does", async () => {
    const post = (path: string, body: BodyInit) =>
      fetch(`${base}${path}`, { method: "POST", body }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      }));
    // url-encoded: the body's value comes before the query's.
    expect(await post("/api/vote", new URLSearchParams({ choice: ":ghost:" }))).toEqual({
      status: 200,
      body: "",
    });
    expect(
      (await post("/api/vote?choice=:unicorn:", new URLSearchParams({ choice: ":ghost:" }))).status,
    ).toBe(200);
    // multipart: the query's value comes first (Go appends multipart values after it).
    const multipart = new FormData();
    multipart.set("choice", ":ghost:");
    expect((await post("/api/vote", multipart)).status).toBe(200);
    expect(JSON.parse((await post("/api/vote?choice=:unicorn:", multipart)).body)).toEqual({
      error: "Choosen emoji shortcode [:unicorn:] doesnt exist",
    });
    // A body that is no form is not read for the choice.
    const plain = await fetch(`${base}/api/vote`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "choice=:ghost:",
    });
    expect(plain.status).toBe(400);
    await plain.text();
    const board = JSON.parse((await get(`${base}/api/leaderboard`)).body) as Array<{
      shortcode: string;
      votes: string;
    }>;
    expect(board.find((r) => r.shortcode === ":ghost:")?.votes).toBe("3");
  });

  it("refuses a vote without a choice with 400", async () => {
    const r = await get(`${base}/api/vote`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ error: "Emoji choice [] is mandatory" });
  });

  it("answers 500 with the gRPC error when the voting service fails", async () => {
    const r = await get(`${base}/api/vote?choice=:doughnut:`);
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ error: "rpc error: code = Unknown desc = ERROR" });
  });

  it("serves the static page on / and every other path, and its script on /js", async () => {
    for (const path of ["/", "/leaderboard", "/anything"]) {
      const r = await get(`${base}${path}`);
      expect(r.status).toBe(200);
      expect(r.type).toBe("text/html");
      expect(r.body).toContain("<title>Emoji Vote</title>");
    }
    const js = await get(`${base}/js`);
    expect(js.type).toBe("text/javascript");
    expect(js.body).toContain("/api/leaderboard");
  });

  it("serves an icon on /img/favicon.ico, not the page", async () => {
    const r = await fetch(`${base}/img/favicon.ico`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("image/x-icon");
    const ico = Buffer.from(await r.arrayBuffer());
    // ICONDIR: reserved 0, type 1 (icon), 1 image; its entry: 16×16, 32 bits, at offset 22.
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 1]);
    expect([ico[6], ico[7], ico.readUInt16LE(12), ico.readUInt32LE(18)]).toEqual([16, 16, 32, 22]);
    // The image is all that follows the header, and is a BITMAPINFOHEADER'd 16×(2×16) bitmap.
    expect(ico.readUInt32LE(14)).toBe(ico.length - 22);
    expect([ico.readUInt32LE(22), ico.readInt32LE(26), ico.readInt32LE(30)]).toEqual([40, 16, 32]);
    expect(ico.length).toBe(22 + 40 + 16 * 16 * 4 + 16 * 4);
  });
});

describe("web with its upstreams down", () => {
  it("answers 500 naming the unavailable service", async () => {
    const web = await startWeb({
      host: "127.0.0.1",
      port: 0,
      emojiAddr: "127.0.0.1:1",
      votingAddr: "127.0.0.1:1",
      callTimeoutMs: 2000,
    });
    try {
      const r = await get(`http://127.0.0.1:${web.port}/api/list`);
      expect(r.status).toBe(500);
      expect(JSON.parse(r.body).error).toMatch(
        /^rpc error: code = (Unavailable|DeadlineExceeded) desc = /,
      );
    } finally {
      await web.close();
    }
  });
});
