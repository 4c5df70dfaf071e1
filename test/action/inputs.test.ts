import { describe, expect, it } from "vitest";
import { InputError, parseInputs } from "../../src/action/inputs.ts";

const from = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? "";
const minimal = { scenario: "scenarios/local-smoke.yaml" };

function problems(inputs: Record<string, string>): string[] {
  try {
    parseInputs(from(inputs));
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseInputs", () => {
  it("fills the defaults", () => {
    expect(parseInputs(from(minimal))).toEqual({
      command: "run",
      scenario: "scenarios/local-smoke.yaml",
      mesh: null,
      repetitions: null,
      provider: "local",
      kubeconfig: null,
      resultsDir: "meshbench-results",
      artifactPrefix: "meshbench",
      baseline: { kind: "auto" },
      baselineWorkflow: null,
      thresholds: null,
      calibration: null,
      prices: null,
      failOnRegression: true,
      comment: "auto",
      commentAuthor: null,
      chartHost: "https://quickchart.io",
      githubToken: "",
      retentionDays: null,
      sshPrivateKey: null,
      site: null,
      terraformVars: null,
      exports: [],
    });
  });

  it("reads the export formats, separated by commas, spaces or lines, each once", () => {
    expect(
      parseInputs(from({ ...minimal, export: "bencher, hdr\ncustomBiggerIsBetter bencher" }))
        .exports,
    ).toEqual(["bencher", "hdr", "customBiggerIsBetter"]);
    expect(problems({ ...minimal, export: "bencher, csv" })).toEqual([
      `input "export": "csv" is not allowed; use formats of bencher, customSmallerIsBetter, customBiggerIsBetter, openmetrics, smp, hdr`,
    ]);
  });

  it("reads every input", () => {
    const kubeconfig = "apiVersion: v1\nkind: Config\n";
    const inputs = parseInputs(
      from({
        command: "report",
        scenario: " s.yaml ",
        mesh: "linkerd",
        repetitions: "3",
        provider: "kubeconfig",
        kubeconfig,
        "results-dir": "out",
        "artifact-prefix": "bench",
        baseline: "baseline/results",
        thresholds: "latency.p99=10%,memory.*=15%",
        calibration: "bench/calibration.json",
        "fail-on-regression": "False",
        comment: "on-regression",
        "chart-host": "http://charts.internal:3400",
        "github-token": "t",
        "retention-days": "14",
      }),
    );
    expect(inputs).toMatchObject({
      command: "report",
      scenario: "s.yaml",
      mesh: "linkerd",
      repetitions: 3,
      kubeconfig,
      baseline: { kind: "path", path: "baseline/results" },
      thresholds: "latency.p99=10%,memory.*=15%",
      calibration: "bench/calibration.json",
      failOnRegression: false,
      comment: "on-regression",
      chartHost: "http://charts.internal:3400",
      retentionDays: 14,
    });
    expect(parseInputs(from({ ...minimal, "chart-host": "none", baseline: "none" }))).toMatchObject(
      {
        chartHost: null,
        baseline: { kind: "none" },
      },
    );
  });

  it("names the input, the bad value and the allowed values, for every problem at once", () => {
    expect(
      problems({
        ...minimal,
        command: "bench",
        comment: "sometimes",
        repetitions: "2.5",
        "fail-on-regression": "yes",
        "retention-days": "0",
        provider: "eks",
        "chart-host": "https://quickchart.io/chart?c=1",
        "artifact-prefix": "my bench",
        mesh: "Istio!",
      }),
    ).toEqual([
      'input "command": "bench" is not allowed; use one of run, report',
      'input "mesh": "Istio!" is not allowed; use a mesh name of the scenario (lower-case letters, digits, . _ -), or leave it empty for all',
      'input "provider": "eks" is not allowed; use one of local, kubeconfig, kind, terraform',
      'input "artifact-prefix": "my bench" is not allowed; use letters, digits, . _ - (it starts every artifact name)',
      'input "repetitions": "2.5" is not allowed; use a whole number from 1 to 100, or leave it empty',
      'input "fail-on-regression": "yes" is not allowed; use true or false',
      'input "comment": "sometimes" is not allowed; use one of auto, always, on-regression, never',
      'input "chart-host": "https://quickchart.io/chart?c=1" is not allowed; use a host such as quickchart.io (or https://charts.example.com:3400), or none to leave charts out',
      'input "retention-days": "0" is not allowed; use a whole number from 1 to 400, or leave it empty',
    ]);
  });

  it("checks inputs that depend on each other", () => {
    expect(problems({})).toEqual([
      'input "scenario": required; give the path of a scenario file, e.g. scenarios/local-smoke.yaml',
    ]);
    expect(problems({ ...minimal, provider: "kubeconfig" })[0]).toMatch(
      /"kubeconfig": required with provider: kubeconfig; pass it from a secret \(kubeconfig: \$\{\{ secrets.KUBECONFIG \}\}\)/,
    );
    expect(problems({ ...minimal, kubeconfig: "x" })[0]).toMatch(/given, but provider is local/);
    expect(problems({ ...minimal, command: "report" })[0]).toMatch(
      /"github-token": required for command: report; the default is \$\{\{ github.token \}\}/,
    );
  });

  it("the error message lists every problem, and never the value of kubeconfig", () => {
    const secret = "token: super-secret-value";
    try {
      parseInputs(from({ kubeconfig: secret, provider: "local", comment: "x" }));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(
        /^meshbench: 3 invalid inputs:\n {2}input "scenario"/,
      );
      expect((error as Error).message).not.toContain(secret);
    }
  });
});

describe("thresholds", () => {
  it("takes key=value pairs the comparison understands, or a thresholds file's path", () => {
    expect(
      parseInputs(from({ ...minimal, thresholds: "errors.rate=0.1pp,alpha=0.1" })),
    ).toMatchObject({
      thresholds: "errors.rate=0.1pp,alpha=0.1",
    });
    expect(parseInputs(from({ ...minimal, thresholds: ".github/gate.yaml" })).thresholds).toBe(
      ".github/gate.yaml",
    );
  });

  it("refuses a form it does not know, naming the input, the value and the form allowed", () => {
    const form =
      "write key=value pairs such as latency.p99=10%,memory.dataPlane=15%,alpha=0.05, or the path of a thresholds file ending in .yaml, .yml or .json";
    expect(problems({ ...minimal, thresholds: "p99:+10%" })).toEqual([
      `input "thresholds": "p99:+10%" is not allowed; ${form}`,
    ]);
    expect(problems({ ...minimal, thresholds: "latency.p99=10%,p50" })).toEqual([
      `input "thresholds": "latency.p99=10%,p50" is not allowed; "p50" is not key=value; ${form}`,
    ]);
  });

  it("reports a bad key or value in the words of the shared parser", () => {
    const [unknown] = problems({ ...minimal, thresholds: "p99=10%" });
    expect(unknown).toMatch(
      /^input "thresholds": "p99=10%": "p99" is not a threshold key; allowed: a metric \(latency\.p50, .*\) or alpha$/,
    );
    expect(problems({ ...minimal, thresholds: "latency.p99=+10%" })).toEqual([
      'input "thresholds": "latency.p99=+10%": latency.p99: "+10%" is not a threshold; write it like "latency.p99: 10%"',
    ]);
    expect(problems({ ...minimal, thresholds: "errors.rate=1%" })[0]).toMatch(
      /errors\.rate: "1%": the error rate takes an absolute threshold in percentage points/,
    );
    expect(problems({ ...minimal, thresholds: "alpha=2" })[0]).toMatch(
      /^input "thresholds": "alpha=2": alpha: "2" is not allowed; write a level between 0 and 1/,
    );
  });
});

describe("comment-author", () => {
  it("takes a user's login or an App's bot login", () => {
    expect(parseInputs(from({ ...minimal, "comment-author": "my-app[bot]" })).commentAuthor).toBe(
      "my-app[bot]",
    );
    expect(parseInputs(from({ ...minimal, "comment-author": "alice" })).commentAuthor).toBe(
      "alice",
    );
  });

  it("refuses what is not a login", () => {
    expect(problems({ ...minimal, "comment-author": "@my-app" })).toEqual([
      'input "comment-author": "@my-app" is not allowed; use a GitHub login such as my-app[bot] (the App\'s slug followed by [bot]), or leave it empty',
    ]);
  });
});

describe("baseline-workflow", () => {
  it("takes a workflow file name or id for baseline: auto", () => {
    expect(parseInputs(from({ ...minimal, "baseline-workflow": "weekly.yml" }))).toMatchObject({
      baseline: { kind: "auto" },
      baselineWorkflow: "weekly.yml",
    });
    expect(parseInputs(from({ ...minimal, "baseline-workflow": "161335" })).baselineWorkflow).toBe(
      "161335",
    );
  });

  it("refuses a path or a display name, and a workflow with a baseline that is not auto", () => {
    expect(problems({ ...minimal, "baseline-workflow": ".github/workflows/weekly.yml" })).toEqual([
      'input "baseline-workflow": ".github/workflows/weekly.yml" is not allowed; use a workflow\'s file name in .github/workflows (e.g. weekly.yml) or its numeric id, or leave it empty for this workflow',
    ]);
    expect(problems({ ...minimal, "baseline-workflow": "weekly mesh report" })).toHaveLength(1);
    expect(problems({ ...minimal, baseline: "none", "baseline-workflow": "weekly.yml" })).toEqual([
      'input "baseline-workflow": given, but baseline is none; it names where baseline: auto looks',
    ]);
  });
});

describe("inputs for identical clusters and bare metal", () => {
  const base = { command: "run", scenario: "s.yaml" };
  const parse = (more: Record<string, string>) =>
    parseInputs((name) => (({ ...base, ...more }) as Record<string, string>)[name] ?? "");

  it("takes a site and terraform variables as a JSON object", () => {
    const i = parse({
      site: "us-west-2",
      "terraform-vars": '{"region": "us-west-2", "workers": 5}',
    });
    expect(i.site).toBe("us-west-2");
    expect(i.terraformVars).toEqual({ region: "us-west-2", workers: 5 });
  });

  it("refuses terraform variables that are not a flat object, and a site with spaces", () => {
    expect(() => parse({ "terraform-vars": '["us-west-2"]' })).toThrow(
      'input "terraform-vars": "[\\"us-west-2\\"]" is not allowed; use a JSON object of Terraform variable names',
    );
    expect(() => parse({ "terraform-vars": '{"region": {"name": "x"}}' })).toThrow(
      'input "terraform-vars"',
    );
    expect(() => parse({ site: "us west" })).toThrow('input "site": "us west" is not allowed');
  });
});

describe("the cost's price inputs", () => {
  const withPrices = (p: Record<string, string>) =>
    parseInputs(from({ command: "report", scenario: "s.yaml", "github-token": "t", ...p }));

  it("takes both prices, in dollars per hour", () => {
    expect(withPrices({ "price-vcpu-hour": "0.05", "price-gib-hour": "0.006" }).prices).toEqual({
      vcpuHour: 0.05,
      gibHour: 0.006,
    });
  });

  it("refuses one without the other, and a price that is not a positive number", () => {
    expect(() => withPrices({ "price-vcpu-hour": "0.05" })).toThrow(
      /"price-vcpu-hour" and "price-gib-hour": give both/,
    );
    expect(() => withPrices({ "price-vcpu-hour": "-1", "price-gib-hour": "0.1" })).toThrow(
      /input "price-vcpu-hour": "-1" is not allowed; use US dollars per hour/,
    );
  });
});
