// How a workload process tells the process that started it that it is serving, and on
// which port: one line on stdout, printed after the listening socket is bound. Ports are
// picked by the service itself (port 0), so no two services race for one.

const PREFIX = "meshbench-ready ";

export interface ReadyInfo {
  service: string;
  port: number;
}

export function formatReadyLine(info: ReadyInfo): string {
  return `${PREFIX}${JSON.stringify({ service: info.service, port: info.port })}\n`;
}

/** The ready info in a line of a workload's stdout, or null for any other line. */
export function parseReadyLine(line: string): ReadyInfo | null {
  if (!line.startsWith(PREFIX)) return null;
  try {
    const value = JSON.parse(line.slice(PREFIX.length)) as Partial<ReadyInfo>;
    if (typeof value.service !== "string" || !Number.isInteger(value.port)) return null;
    return { service: value.service, port: value.port as number };
  } catch {
    return null;
  }
}
