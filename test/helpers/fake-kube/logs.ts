// Container logs as the kubelet keeps them: lines with their time, readable whole or
// followed (?follow=true) until the container terminates, optionally with RFC 3339
// timestamps (?timestamps=true) as the kubelet prefixes them.

interface ContainerLog {
  lines: { t: Date; text: string }[];
  ended: boolean;
  listeners: Set<() => void>;
}

export class LogBook {
  private logs = new Map<string, ContainerLog>();

  private entry(ns: string, pod: string, container: string): ContainerLog {
    const k = `${ns}/${pod}/${container}`;
    let log = this.logs.get(k);
    if (!log) {
      log = { lines: [], ended: false, listeners: new Set() };
      this.logs.set(k, log);
    }
    return log;
  }

  append(ns: string, pod: string, container: string, text: string): void {
    const log = this.entry(ns, pod, container);
    for (const line of text.split("\n")) log.lines.push({ t: new Date(), text: line });
    for (const l of log.listeners) l();
  }

  end(ns: string, pod: string, container: string): void {
    const log = this.entry(ns, pod, container);
    log.ended = true;
    for (const l of log.listeners) l();
  }

  /** Writes the log; with follow, keeps writing until the container ends or `signal`. */
  async stream(
    ns: string,
    pod: string,
    container: string,
    opts: { follow: boolean; timestamps: boolean; tailLines: number | null },
    write: (chunk: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const log = this.entry(ns, pod, container);
    const format = (l: { t: Date; text: string }) =>
      `${opts.timestamps ? `${l.t.toISOString().replace("Z", "000000Z")} ` : ""}${l.text}\n`;
    let sent = opts.tailLines === null ? 0 : Math.max(0, log.lines.length - opts.tailLines);
    const flush = () => {
      while (sent < log.lines.length) write(format(log.lines[sent++]!));
    };
    flush();
    if (!opts.follow) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        flush();
        if (log.ended || signal.aborted) {
          log.listeners.delete(wake);
          resolve();
        }
      };
      log.listeners.add(wake);
      signal.addEventListener("abort", wake, { once: true });
      wake();
    });
  }
}
