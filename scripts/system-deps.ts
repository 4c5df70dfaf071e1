// What the tests need from the machine beyond node_modules, and how to get it. Pure: the
// probes (scripts/system-probe.ts) say what is there; these functions turn that into the
// apt-get commands to run and the message naming what is missing, why, and which test
// files cannot run without it. `npm test` (scripts/test-setup.ts) and vitest.config.ts use
// them.

/** One program or file some tests run or read. */
export interface SystemDependency {
  /** What the tests look for, as the message names it. */
  what: string;
  /**
   * Where the tests find it: a command on the PATH, an absolute file ($env points at
   * another), or a Node binary older than the one meshbench needs.
   */
  find: { command: string } | { file: string; env?: string } | { olderNode: string; env: string };
  /** The Debian/Ubuntu package that provides it (listed in .ci/apt-packages), if any. */
  apt?: string;
  /** How to get it without apt, or where to point the tests at another copy. */
  otherwise: string;
  /** The test files that cannot run without it. */
  tests: string[];
}

export const SYSTEM_DEPENDENCIES: readonly SystemDependency[] = [
  {
    what: "HAProxy (the local sidecar mesh)",
    find: { command: "haproxy" },
    apt: "haproxy",
    otherwise: "brew install haproxy (macOS)",
    tests: [
      "test/platform/local.test.ts",
      "test/platform/signals.test.ts",
      "test/run/run-e2e.test.ts",
    ],
  },
  {
    what: "Chromium (report.html in a real browser)",
    find: { file: "/usr/bin/chromium", env: "CHROMIUM_PATH" },
    apt: "chromium",
    otherwise: "set CHROMIUM_PATH to a Chrome or Chromium binary",
    tests: ["test/report/html.test.ts"],
  },
  {
    what: "an emoji font (the verdict marks in the comment's picture)",
    find: { file: "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf" },
    apt: "fonts-noto-color-emoji",
    otherwise: "install a color emoji font Chromium finds (Noto Color Emoji)",
    tests: ["test/report/comment-picture.test.ts"],
  },
  {
    what: "OpenSSH's server (k3s over SSH)",
    find: { file: "/usr/sbin/sshd" },
    apt: "openssh-server",
    otherwise: "install OpenSSH's sshd at /usr/sbin/sshd",
    tests: [
      "test/provision/ssh.test.ts",
      "test/provision/bundle.test.ts",
      "test/provision/terraform.test.ts",
    ],
  },
  {
    what: "a Java runtime (HdrHistogram's reference reader)",
    find: { command: "java" },
    apt: "default-jre-headless",
    otherwise: "install a Java runtime (java on the PATH)",
    tests: ["test/histogram/hlog-java.test.ts", "test/interop/percentile-text.test.ts"],
  },
  {
    what: "HdrHistogram's Java library",
    find: { file: "/usr/share/java/hdrhistogram.jar", env: "HDRHISTOGRAM_JAR" },
    apt: "libhdrhistogram-java",
    otherwise: "set HDRHISTOGRAM_JAR to HdrHistogram's jar (Maven: org.hdrhistogram:HdrHistogram)",
    tests: ["test/histogram/hlog-java.test.ts", "test/interop/percentile-text.test.ts"],
  },
  {
    what: "Prometheus and promtool (they read the OpenMetrics export)",
    find: { command: "promtool" },
    apt: "prometheus",
    otherwise: "install Prometheus 2.x (prometheus and promtool on the PATH)",
    tests: ["test/interop/openmetrics.test.ts"],
  },
  {
    what: "the Prometheus Pushgateway (export --push)",
    find: { command: "prometheus-pushgateway" },
    apt: "prometheus-pushgateway",
    otherwise: "put the Pushgateway on the PATH as prometheus-pushgateway",
    tests: ["test/interop/openmetrics.test.ts"],
  },
  {
    what: "the distribution's Node at /usr/bin/node (older than the one meshbench needs)",
    find: { olderNode: "/usr/bin/node", env: "OLD_NODE" },
    apt: "nodejs",
    otherwise: "set OLD_NODE to a Node older than the one meshbench needs",
    tests: ["test/node-version.test.ts"],
  },
  {
    what: "kubectl (checks the fake API server against the real client)",
    find: { command: "kubectl" },
    otherwise: "install kubectl as https://kubernetes.io/docs/tasks/tools/ says",
    tests: ["test/platform/kubernetes/kubectl.test.ts"],
  },
];

function packagesOf(deps: readonly SystemDependency[]): string[] {
  return [...new Set(deps.flatMap((d) => (d.apt ? [d.apt] : [])))];
}

/** Where the tests run: whether apt-get exists and how it may be run. */
export interface Host {
  apt: boolean;
  /** root runs apt-get itself; sudo: passwordless sudo; none: neither. */
  privilege: "root" | "sudo" | "none";
}

/**
 * The commands that install the missing dependencies' packages here, or none when apt-get
 * cannot be run (not Debian/Ubuntu, or neither root nor passwordless sudo).
 */
export function installCommands(missing: readonly SystemDependency[], host: Host): string[][] {
  const packages = packagesOf(missing);
  if (packages.length === 0 || !host.apt || host.privilege === "none") return [];
  const sudo = host.privilege === "sudo" ? ["sudo", "-n"] : [];
  return [
    [...sudo, "apt-get", "update", "-qq"],
    [...sudo, "apt-get", "install", "-y", "-qq", ...packages],
  ];
}

/** The test files that cannot run, each once, in table order. */
export function testsNotRun(missing: readonly SystemDependency[]): string[] {
  return [...new Set(missing.flatMap((d) => d.tests))];
}

function findText(d: SystemDependency): string {
  if ("command" in d.find) return `\`${d.find.command}\` on the PATH`;
  const env = d.find.env ? ` (or $${d.find.env})` : "";
  if ("olderNode" in d.find) return `an older Node at ${d.find.olderNode}${env}`;
  return `${d.find.file}${env}`;
}

/**
 * What is missing, how to get it, and which test files therefore do not run; under CI
 * (which must run every test) the same list is the reason the run fails.
 */
export function missingMessage(missing: readonly SystemDependency[], ci: boolean): string {
  const lines = [
    ci
      ? "The tests need what this machine lacks, and CI runs every test:"
      : "These tests do not run: this machine lacks what they need.",
  ];
  for (const d of missing) {
    const apt = d.apt ? `\`sudo apt-get install -y ${d.apt}\` (Debian/Ubuntu), or ` : "";
    lines.push(
      `  ${d.what}: ${findText(d)} not found. Get it: ${apt}${d.otherwise}.`,
      `    not run: ${d.tests.join(", ")}`,
    );
  }
  const packages = packagesOf(missing);
  if (packages.length > 0) {
    lines.push(
      `npm test installs Debian packages itself as root or with passwordless sudo; or run \`sudo apt-get install -y ${packages.join(" ")}\`.`,
    );
  }
  return lines.join("\n");
}

/** CI=true (or 1), as GitHub Actions and most CI systems set it. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  return /^(true|1)$/i.test(env.CI ?? "");
}

/** Whether Node `version` (e.g. "20.20.2") is older than `min` ("22.19.0"). */
export function isOlderNode(version: string, min: string): boolean {
  const a = version.replace(/^v/, "").split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}
