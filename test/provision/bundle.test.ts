// dist/ runs with no node_modules, so the SSH client must survive esbuild with the bundle's
// own settings (scripts/bundle-options.ts): ssh2 loads in ESM (it reads __dirname), works
// without its optional native parts (cpu-features, sshcrypto), and talks to a real sshd.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BUNDLE_BANNER, BUNDLE_EXTERNAL, BUNDLE_TARGET } from "../../scripts/bundle-options.ts";
import { type Sshd, startSshd } from "../helpers/sshd.ts";

const src = join(import.meta.dirname, "../../src/provision/ssh");
let sshd: Sshd;
let dir: string;
beforeAll(async () => {
  sshd = await startSshd();
  // Outside the repository: nothing can be found in a node_modules at run time.
  dir = await mkdtemp(join(tmpdir(), "meshbench-bundle-"));
});
afterAll(async () => {
  // Either may be unset when beforeAll failed part way.
  await sshd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("the bundled SSH client connects and runs a command", async () => {
  const entry = join(dir, "entry.ts");
  await writeFile(
    entry,
    `import { connectSsh } from ${JSON.stringify(join(src, "connection.ts"))};
import { KnownHosts } from ${JSON.stringify(join(src, "host-keys.ts"))};
const e = process.env;
const s = await connectSsh(
  { address: "127.0.0.1", port: Number(e.PORT), user: e.SSH_USER, name: "bundled" },
  { privateKey: e.KEY, hostKeys: { pins: [], knownHosts: new KnownHosts(e.KNOWN_HOSTS) } },
);
process.stdout.write(await s.run("say hello", "echo bundled-ok"));
s.close();
`,
  );
  await build({
    entryPoints: [entry],
    outfile: join(dir, "out.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: BUNDLE_TARGET,
    logLevel: "silent",
    banner: { js: BUNDLE_BANNER },
    external: BUNDLE_EXTERNAL,
  });
  const { stdout } = await promisify(execFile)(process.execPath, [join(dir, "out.mjs")], {
    cwd: dir,
    timeout: 20_000,
    env: {
      PORT: String(sshd.port),
      SSH_USER: sshd.user,
      KEY: sshd.privateKey,
      KNOWN_HOSTS: join(dir, "known_hosts"),
    },
  });
  expect(stdout.trim()).toBe("bundled-ok");
});
