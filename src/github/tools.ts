// Downloads of pinned tools (kind, kubectl, mesh CLIs) in the Action go through
// @actions/tool-cache, which retries and reports like every other action does; meshbench
// still checks each file's checksum itself (src/tools/pinned.ts).
import { rename } from "node:fs/promises";
import * as tc from "@actions/tool-cache";

export async function toolCacheDownload(url: string, destination: string): Promise<void> {
  const downloaded = await tc.downloadTool(url);
  await rename(downloaded, destination);
}
