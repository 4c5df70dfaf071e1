// Untrusted archives: every check of safe-zip.ts, on archives built byte by byte.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { extractZip, listZip, UnsafeArchiveError } from "../../src/github/safe-zip.ts";
import { zip } from "../helpers/fake-github/zip.ts";

const exec = promisify(execFile);
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

  it("refuses a file that is also a directory, in either order, as unsafe (not a crash)", async () => {
    const file = { name: "a", data: "x" };
    const inside = { name: "a/b", data: "y" };
    expect(() => listZip(zip([file, inside]), limits)).toThrow(
      new UnsafeArchiveError('a/b: is inside "a", which is a file'),
    );
    expect(() => listZip(zip([inside, file]), limits)).toThrow(
      new UnsafeArchiveError("a: is a file and a directory"),
    );
    const dest = join(await mkdtemp(join(tmpdir(), "zip-")), "out");
    await expect(
      extractZip(
        zip([
          { name: "a", data: "x" },
          { name: "a/b/c", data: "y" },
        ]),
        dest,
        limits,
      ),
    ).rejects.toThrow(UnsafeArchiveError);
  });

  it("streams entries to disk instead of holding them in memory", async () => {
    // 192 MiB of zeros in a 190 kB zip, extracted by a fresh process whose peak RSS
    // (getrusage) shows what it held: inflated whole, the peak rises by the entry's size.
    const work = await mkdtemp(join(tmpdir(), "zip-"));
    const size = 192 * 1024 * 1024;
    await writeFile(
      join(work, "a.zip"),
      zip([{ name: "zeros.hlog", data: Buffer.alloc(size), deflate: true }]),
    );
    const script = `
      import { readFileSync, statSync } from "node:fs";
      import { extractZip } from ${JSON.stringify(resolve("src/github/safe-zip.ts"))};
      const zip = readFileSync(${JSON.stringify(join(work, "a.zip"))});
      const before = process.resourceUsage().maxRSS;
      await extractZip(zip, ${JSON.stringify(join(work, "out"))}, { maxExtractedBytes: ${size}, maxEntries: 1 });
      const written = statSync(${JSON.stringify(join(work, "out/zeros.hlog"))}).size;
      console.log(JSON.stringify({ risenKiB: process.resourceUsage().maxRSS - before, written }));`;
    const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", script]);
    const { risenKiB, written } = JSON.parse(stdout) as { risenKiB: number; written: number };
    expect(written).toBe(size);
    // Chunks are 16 kB; garbage between collections stays well under half the entry.
    expect(risenKiB * 1024).toBeLessThan(size / 2);
  });

  it("refuses what is not a zip", () => {
    expect(() => listZip(Buffer.from("<html>not found</html>"), limits)).toThrow(
      /not a zip archive/,
    );
  });
});
