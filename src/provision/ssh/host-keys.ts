// Which SSH server a connection may trust. Either the module pinned the host's keys (it
// generated them and put them in place with cloud-init, so they are known before the
// first contact), or the first key a host shows is recorded in the state directory's
// known_hosts (trust on first use) and every later connection must show the same one. A
// different key is refused, never accepted with a warning: the cluster's kubeconfig and
// join token travel over these connections.
import { createHash } from "node:crypto";
import { appendFile, readFile } from "node:fs/promises";

export interface PublicKey {
  /** The key's type as its blob names it: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256 … */
  type: string;
  /** The key in SSH wire format (what known_hosts holds in base64). */
  blob: Buffer;
}

export type HostKeyPin =
  | { kind: "key"; key: PublicKey; fingerprint: string }
  | { kind: "fingerprint"; fingerprint: string };

/** The type name at the start of a wire-format key blob. */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return "";
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString("latin1") : "";
}

/** As `ssh-keygen -l` prints it: SHA256: and the unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

const KEY_TYPE =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com)$/;

/** `type base64 [comment]`, as in authorized_keys or a .pub file; null when it is not one. */
export function parseKeyLine(line: string): PublicKey | null {
  const [type, data] = line.trim().split(/\s+/);
  if (!type || !data || !KEY_TYPE.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return null;
  const blob = Buffer.from(data, "base64");
  return blobType(blob) === type ? { type, blob } : null;
}

/** Pinned keys from a module's output; each a key line or a SHA256 fingerprint. */
export function parsePins(values: readonly string[], field: string): HostKeyPin[] {
  return values.map((value, i) => {
    const key = parseKeyLine(value);
    if (key) return { kind: "key", key, fingerprint: fingerprint(key.blob) };
    if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(value.trim()))
      return { kind: "fingerprint", fingerprint: value.trim() };
    throw new Error(
      `${field}[${i}]: ${JSON.stringify(value.slice(0, 60))} is not a host key; allowed: an OpenSSH public key line ("ssh-ed25519 AAAA…", as in /etc/ssh/ssh_host_ed25519_key.pub) or a fingerprint ("SHA256:…", as ssh-keygen -l prints it)`,
    );
  });
}

/**
 * The host-key algorithms to offer so that the server shows a key of a type we can check
 * (a server with ed25519 and RSA keys shows the one the client prefers).
 */
export function algorithmsFor(types: readonly string[]): string[] | undefined {
  if (types.length === 0) return undefined;
  const out = new Set<string>();
  for (const t of types) {
    if (t === "ssh-rsa") for (const a of ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]) out.add(a);
    else out.add(t);
  }
  return [...out];
}

export class HostKeyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostKeyMismatchError";
  }
}

/** An OpenSSH-format known_hosts file (plain host names, no hashing) in the state directory. */
export class KnownHosts {
  readonly path: string;
  // Connections to several hosts run at once; appends go one after another.
  private chain: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  async lookup(host: string): Promise<PublicKey[]> {
    const text = await readFile(this.path, "utf8").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return "";
      throw e;
    });
    const keys: PublicKey[] = [];
    for (const line of text.split("\n")) {
      const [hosts, ...rest] = line.trim().split(/\s+/);
      if (!hosts || hosts.startsWith("#") || !hosts.split(",").includes(host)) continue;
      const key = parseKeyLine(rest.join(" "));
      if (key) keys.push(key);
    }
    return keys;
  }

  add(host: string, key: PublicKey): Promise<void> {
    const line = `${host} ${key.type} ${key.blob.toString("base64")}\n`;
    const next = this.chain.then(() => appendFile(this.path, line, { mode: 0o600 }));
    this.chain = next.catch(() => {});
    return next;
  }
}
