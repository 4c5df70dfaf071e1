// Golden files: expected output kept in test/golden/, compared exactly. After a deliberate
// change of wording, regenerate with `UPDATE_GOLDEN=1 npx vitest run` and review the diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";

const ROOT = join(import.meta.dirname, "../golden");

export function expectGolden(name: string, actual: string): void {
  const file = join(ROOT, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run, then review it`);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}
