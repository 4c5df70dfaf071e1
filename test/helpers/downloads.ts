// A stand-in for the downloader of pinned tools: serves the given files by URL.
import { writeFile } from "node:fs/promises";

/** `download` writes the file at `url`, or fails as a 404 would; `seen` lists every URL asked. */
export function servedFiles(files: Record<string, Buffer | string>) {
  const seen: string[] = [];
  return {
    seen,
    download: async (url: string, to: string) => {
      seen.push(url);
      if (!(url in files)) throw new Error(`download ${url}: HTTP 404`);
      await writeFile(to, files[url]!);
    },
  };
}
