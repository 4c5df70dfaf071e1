// A real OpenSSH server for tests (Debian's openssh-server, see .ci/apt-packages): started as
// the current user on loopback addresses at one high port, with throw-away host and user
// keys made by ssh-keygen in a temp dir, accepting only that user and key. Several
// loopback addresses (127.0.0.1, .2, .3) stand for several hosts; a command can tell which
// one it was reached at from $SSH_CONNECTION. `restart` brings it back after it was
// killed, which is how tests simulate a host going down for a reboot.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const SSHD = "/usr/sbin/sshd";

export interface Sshd {
  port: number;
  addresses: string[];
  /** Scratch directory (keys, config, pid file); removed by stop(). */
  dir: string;
  user: string;
  /** The user's private key (OpenSSH format). */
  privateKey: string;
  /** The server's host key, as a .pub line. */
  hostKey: string;
  pidFile: string;
  /** Resolves when the listener has exited (after stop() or a kill). */
  exited(): Promise<void>;
  /** Starts the listener again (same keys, port and addresses). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function keygen(path: string): Promise<void> {
  await promisify(execFile)("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "test",
    "-f",
    path,
  ]);
}

export async function startSshd(options: { addresses?: string[] } = {}): Promise<Sshd> {
  if (!existsSync(SSHD))
    throw new Error(`${SSHD} not found: install openssh-server (it is listed in .ci/apt-packages)`);
  // sshd started by root insists on its privilege-separation directory (the Debian
  // service creates it at boot); started by anyone else it needs none.
  if (process.getuid?.() === 0 && !existsSync("/run/sshd"))
    await mkdir("/run/sshd", { mode: 0o755, recursive: true });

  const addresses = options.addresses ?? ["127.0.0.1"];
  const dir = await mkdtemp(join(tmpdir(), "meshbench-sshd-"));
  await keygen(join(dir, "host_ed25519"));
  await keygen(join(dir, "user_ed25519"));
  await writeFile(join(dir, "authorized_keys"), await readFile(join(dir, "user_ed25519.pub")));
  const port = await freePort();
  const user = userInfo().username;
  const pidFile = join(dir, "sshd.pid");
  const config = [
    ...addresses.map((a) => `ListenAddress ${a}:${port}`),
    `HostKey ${join(dir, "host_ed25519")}`,
    `PidFile ${pidFile}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    `AllowUsers ${user}`,
    "StrictModes no",
    "UsePAM no",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PubkeyAuthentication yes",
    "PermitRootLogin prohibit-password",
    "MaxStartups 50",
    "MaxSessions 50",
    "LogLevel ERROR",
  ].join("\n");
  await writeFile(join(dir, "sshd_config"), `${config}\n`);

  let child: ChildProcess | null = null;
  let exit: Promise<void> = Promise.resolve();
  const start = async () => {
    const proc = spawn(SSHD, ["-f", join(dir, "sshd_config"), "-D", "-e"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    child = proc;
    exit = new Promise((r) => proc.once("exit", () => r()));
    let stderr = "";
    proc.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    // Ready when every address accepts a TCP connection (sshd logs nothing at LogLevel ERROR).
    const deadline = Date.now() + 10_000;
    for (const address of addresses) {
      for (;;) {
        if (proc.exitCode !== null)
          throw new Error(`sshd exited (${proc.exitCode}): ${stderr.trim()}`);
        const ok = await new Promise<boolean>((resolve) => {
          const c = connect({ host: address, port }, () => {
            c.destroy();
            resolve(true);
          });
          c.on("error", () => resolve(false));
        });
        if (ok) break;
        if (Date.now() > deadline)
          throw new Error(`sshd not listening on ${address}:${port}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await start();

  return {
    port,
    addresses,
    dir,
    user,
    privateKey: await readFile(join(dir, "user_ed25519"), "utf8"),
    hostKey: (await readFile(join(dir, "host_ed25519.pub"), "utf8")).trim(),
    pidFile,
    exited: () => exit,
    restart: start,
    async stop() {
      const proc = child as ChildProcess | null;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        await exit;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
