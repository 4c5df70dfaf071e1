// One SSH connection to a host (ssh2: no ssh binary, no ~/.ssh involved): key
// authentication, the host key checked as host-keys.ts says, commands run with optional
// stdin and a time limit. Errors name the host and what was being done, and carry the end
// of stderr, never stdout (it can be a kubeconfig).
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import {
  algorithmsFor,
  blobType,
  fingerprint,
  HostKeyMismatchError,
  type HostKeyPin,
  type KnownHosts,
  type PublicKey,
} from "./host-keys.ts";
import { describeHost, type Host, hostPort } from "./hosts.ts";

export type SshHost = Pick<Host, "address" | "port" | "user" | "name">;

export interface HostKeyCheck {
  /** Keys the module pinned for this host; empty: trust on first use through knownHosts. */
  pins: HostKeyPin[];
  knownHosts: KnownHosts;
  /** Where the pins come from, for messages (e.g. the module's output hosts[2].host_keys). */
  pinSource?: string;
}

export interface ConnectOptions {
  /** The private key (OpenSSH or PEM text). Never logged. */
  privateKey: string;
  hostKeys: HostKeyCheck;
  /** How long the TCP connect plus handshake may take (default 20 s). */
  readyTimeoutMs?: number;
}

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
  /** Default 10 minutes. */
  timeoutMs?: number;
}

export interface SshSession {
  host: SshHost;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** exec, and a clear error unless it exits 0; returns stdout. */
  run(what: string, command: string, options?: ExecOptions): Promise<string>;
  close(): void;
}

export class SshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SshError";
  }
}

const MAX_OUTPUT = 16 * 1024 * 1024;
const tail = (text: string) => text.trim().split("\n").slice(-10).join("\n    ");

function describeKey(key: PublicKey): string {
  return `${key.type} ${fingerprint(key.blob)}`;
}

/** Why the connection failed, in words a user can act on. */
function explain(host: SshHost, error: Error & { level?: string; code?: string }): string {
  const where = describeHost(host);
  if (error.level === "client-authentication")
    return `SSH to ${where}: the server refused the private key for user ${host.user} (check the user name and that the module authorised this key)`;
  if (error.level === "client-timeout")
    return `SSH to ${where}: no SSH handshake before the time limit (host still booting, or a firewall dropping port ${host.port})`;
  if (error.code === "ECONNREFUSED")
    return `SSH to ${where}: connection refused (sshd not up yet, or nothing listens on port ${host.port})`;
  if (error.code === "EHOSTUNREACH" || error.code === "ENETUNREACH")
    return `SSH to ${where}: host unreachable (${error.code})`;
  return `SSH to ${where}: ${error.message}`;
}

export async function connectSsh(host: SshHost, options: ConnectOptions): Promise<SshSession> {
  const { pins, knownHosts, pinSource } = options.hostKeys;
  const endpoint = hostPort(host);
  const known = pins.length ? [] : await knownHosts.lookup(endpoint);
  // Offer only the key types we can check, so the server shows the pinned/recorded one.
  const serverHostKey = pins.length
    ? pins.every((p) => p.kind === "key")
      ? algorithmsFor(pins.map((p) => (p.kind === "key" ? p.key.type : "")))
      : undefined
    : algorithmsFor(known.map((k) => k.type));
  let refusal: Error | null = null;

  const hostVerifier = (blob: Buffer, verify: (ok: boolean) => void): void => {
    const shown: PublicKey = { type: blobType(blob), blob };
    if (pins.length) {
      const fp = fingerprint(blob);
      const ok = pins.some((p) =>
        p.kind === "key" ? p.key.blob.equals(blob) : p.fingerprint === fp,
      );
      if (!ok)
        refusal = new HostKeyMismatchError(
          `SSH host key of ${describeHost(host)} does not match the key pinned by ${pinSource ?? "the module"}: pinned ${pins.map((p) => p.fingerprint).join(", ")}, the server showed ${describeKey(shown)}. ` +
            "meshbench refuses to connect: this host is not the one the module created (a man-in-the-middle, or an address reused by another machine), or its host keys were regenerated. Check the host from its console and the module's host_keys output before trying again.",
        );
      verify(ok);
      return;
    }
    if (known.length) {
      const ok = known.some((k) => k.blob.equals(blob));
      if (!ok)
        refusal = new HostKeyMismatchError(
          `SSH host key of ${describeHost(host)} changed: ${knownHosts.path} recorded ${known.map(describeKey).join(", ")} at first contact, the server now shows ${describeKey(shown)}. ` +
            `meshbench refuses to connect (a man-in-the-middle, or the host was reinstalled). If it was reinstalled on purpose, delete the line for ${endpoint} from ${knownHosts.path} and run again.`,
        );
      verify(ok);
      return;
    }
    // First contact: record the key, then trust it (and only it) from now on.
    knownHosts.add(endpoint, shown).then(
      () => verify(true),
      (error: Error) => {
        refusal = new SshError(
          `SSH to ${describeHost(host)}: cannot record its host key in ${knownHosts.path}: ${error.message}`,
        );
        verify(false);
      },
    );
  };

  const client = new Client();
  const config: ConnectConfig = {
    host: host.address,
    port: host.port,
    username: host.user,
    privateKey: options.privateKey,
    readyTimeout: options.readyTimeoutMs ?? 20_000,
    keepaliveInterval: 15_000,
    keepaliveCountMax: 4,
    hostVerifier,
    ...(serverHostKey ? { algorithms: { serverHostKey: serverHostKey as never } } : {}),
  };
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      client.removeAllListeners("ready");
      client.on("error", () => {}); // a second error from the same failure is not news
      client.end();
      reject(refusal ?? new SshError(explain(host, error)));
    };
    client.once("ready", () => {
      client.removeListener("error", fail);
      // Later errors (a dropped connection) surface through the commands that were running.
      client.on("error", () => {});
      resolve();
    });
    client.once("error", fail);
    client.connect(config);
  });
  return session(client, host);
}

function session(client: Client, host: SshHost): SshSession {
  const exec = (command: string, options: ExecOptions = {}): Promise<ExecResult> =>
    new Promise((resolve, reject) => {
      client.exec(command, (error, stream: ClientChannel) => {
        if (error) return reject(new SshError(`SSH to ${describeHost(host)}: ${error.message}`));
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let size = 0;
        const keep = (into: Buffer[]) => (d: Buffer) => {
          size += d.length;
          if (size <= MAX_OUTPUT) into.push(d);
        };
        stream.on("data", keep(out));
        stream.stderr.on("data", keep(err));
        const limit = options.timeoutMs ?? 600_000;
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          stream.signal("KILL");
          stream.close();
        }, limit);
        stream.on("close", (code: number | null, signal?: string) => {
          clearTimeout(timer);
          if (timedOut)
            return reject(
              new SshError(
                `SSH to ${describeHost(host)}: command timed out after ${Math.round(limit / 1000)}s`,
              ),
            );
          resolve({
            code: code ?? null,
            ...(signal ? { signal } : {}),
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(err).toString("utf8"),
          });
        });
        stream.end(options.stdin);
      });
    });

  return {
    host,
    exec,
    async run(what, command, options) {
      const r = await exec(command, options);
      if (r.code === 0) return r.stdout;
      const why =
        r.code === null ? `connection closed${r.signal ? ` (${r.signal})` : ""}` : `exit ${r.code}`;
      throw new SshError(
        `${describeHost(host)}: ${what} failed: ${why}${r.stderr.trim() ? `\n    ${tail(r.stderr)}` : ""}`,
      );
    },
    close: () => client.end(),
  };
}

export interface WaitOptions extends ConnectOptions {
  /** Give up after this long (default 10 minutes: bare metal boots slowly). */
  timeoutMs?: number;
  /** Between attempts (default 5 s). */
  pollMs?: number;
  log?: (line: string) => void;
}

/**
 * Connects, retrying while the host is not up yet (refused, timed out, key not installed
 * yet by cloud-init). A host-key mismatch is final: retrying would not make it safe.
 */
export async function waitForSsh(host: SshHost, options: WaitOptions): Promise<SshSession> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  const pollMs = options.pollMs ?? 5_000;
  let last: Error | null = null;
  let attempts = 0;
  for (;;) {
    const left = deadline - Date.now();
    try {
      return await connectSsh(host, {
        ...options,
        readyTimeoutMs: Math.max(1_000, Math.min(options.readyTimeoutMs ?? 20_000, left)),
      });
    } catch (error) {
      if (error instanceof HostKeyMismatchError) throw error;
      last = error as Error;
      attempts++;
      if (attempts === 1) options.log?.(`${last.message}; retrying until it answers`);
    }
    if (Date.now() + pollMs > deadline) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const waited = Math.round((options.timeoutMs ?? 600_000) / 1000);
  throw new SshError(
    `${describeHost(host)} did not accept SSH within ${waited}s (${attempts} attempts); last: ${last?.message}`,
  );
}
