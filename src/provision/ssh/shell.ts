// Commands sent over SSH are one string that the remote login shell parses, so every value
// in them is validated first (hosts.ts, k3s.ts) and then single-quoted here as well: a
// value can never end the quote, start a new command or expand a variable.

/** `value` as one POSIX shell word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A command line of quoted words. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}
