// Untrusted archives: every check of safe-zip.ts, on archives built byte by byte.
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractZip, listZip, UnsafeArchiveError } from "../../src/github/safe-zip.ts";
import { zip } from "../helpers/fake-github/zip.ts";

const limits = { maxExtractedBytes: 1_000_000, maxEntries: 100 };

describe("safe zip extraction", () => {
  it("extracts nested files, stored and deflated", async () => {
    const dest = join(await mkdtemp(join(tmpdir(), "zip-")), "out");
    const files = await extractZip(
      zip([
        { name: "smoke/" },
        { name: "smoke/istio/r1/run.json", data: '{"a":1}', deflate: true },
        { name: "smoke/istio/r1/latency.hlog", data: "#[StartTime: 1]\n" },
      ]),
      dest,
      limits,
    );
    expect(files).toEqual(["smoke/istio/r1/run.json", "smoke/istio/r1/latency.hlog"]);
    expect(await readFile(join(dest, "smoke/istio/r1/run.json"), "utf8")).toBe('{"a":1}');
  });

  it.each([
    ["../escape.json", /leaves the artifact's directory/],
    ["a/../../escape.json", /leaves the artifact's directory/],
    ["/etc/cron.d/x", /absolute path/],
    ["C:/Windows/x", /absolute path/],
    ["a\\..\\..\\x", /backslash/],
    ["a/./b", /not normalized/],
    ["a\u0000b", /control character/],
  ])("refuses the entry name %j", (name, message) => {
    expect(() => listZip(zip([{ name, data: "x" }]), limits)).toThrow(message);
  });

  it("refuses symlinks, duplicates, too many entries and too many bytes", () => {
    expect(() => listZip(zip([{ name: "l", data: "/etc/passwd", symlink: true }]), limits)).toThrow(
      /symbolic links/,
    );
    expect(() => listZip(zip([{ name: "a" }, { name: "a" }]), limits)).toThrow(/appears twice/);
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}` }));
    expect(() => listZip(zip(many), limits)).toThrow(/101 entries, more than the limit of 100/);
    expect(() =>
      listZip(zip([{ name: "big", data: "x", claimedSize: 2_000_000 }]), limits),
    ).toThrow(/more than 1000000 bytes/);
  });

  it("refuses a file whose data does not match its header (size, CRC), and writes nothing", async () => {
    const dest = join(await mkdtemp(join(tmpdir(), "zip-")), "out");
    const bad = zip([
      { name: "good.json", data: "{}" },
      { name: "liar.json", data: "0123456789", claimedSize: 5 },
    ]);
    await expect(extractZip(bad, dest, limits)).rejects.toThrow(UnsafeArchiveError);
    await expect(readdir(dest)).rejects.toThrow(/ENOENT/);

    const corrupt = zip([{ name: "c.json", data: "hello" }]);
    const at = 30 + "c.json".length; // the first data byte, flipped
    corrupt[at] = corrupt[at]! ^ 0xff;
    await expect(extractZip(corrupt, dest, limits)).rejects.toThrow(/CRC mismatch/);
  });

  it("refuses what is not a zip", () => {
    expect(() => listZip(Buffer.from("<html>not found</html>"), limits)).toThrow(
      /not a zip archive/,
    );
  });
});
