// `meshbench target`: the server the README's loadgen examples point at.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

const CLI = new URL("../../src/cli/main.ts", import.meta.url).pathname;

describe("meshbench target", () => {
  it("serves 200 ok at the URL it prints, and stops on Ctrl-C with exit 0", async () => {
    const child = spawn(process.execPath, [CLI, "target", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const m = /serving (http:\/\/127\.0\.0\.1:\d+\/?)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (code) => reject(new Error(`exited ${code} before serving`)));
    });
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok\n");
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
  });

  it("refuses a port out of range with exit 2", async () => {
    const child = spawn(process.execPath, [CLI, "target", "--port", "70000"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain(
      "--port: 70000 is out of range; allowed: a whole number from 0 to 65535",
    );
  });
});
