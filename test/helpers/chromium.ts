// A page opened in a real headless Chromium (Debian's chromium, driven by playwright-core),
// offline: every request but file: is aborted and recorded, and console errors, warnings
// and page errors are collected, so a test can assert the page needed nothing and said
// nothing.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";

// Debian's chromium by default; CHROMIUM_PATH points elsewhere (GitHub's Ubuntu runners have google-chrome).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface OpenPage {
  page: Page;
  /** `console.error: …`, `console.warning: …`, `page error: …` */
  errors: string[];
  /** URLs the page tried to reach beyond file: (all refused). */
  requests: string[];
  close(): Promise<void>;
}

export async function openOffline(
  url: string,
  viewport = { width: 1200, height: 900 },
): Promise<OpenPage> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: this test needs Debian's chromium; install it with "apt-get install -y chromium" (.ci/run installs what .ci/apt-packages lists)`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), "meshbench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const close = async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  };
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning")
        errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    await page.route("**/*", (route) => {
      const target = route.request().url();
      if (target.startsWith("file:")) return route.continue();
      requests.push(target);
      return route.abort();
    });
    await page.goto(url, { waitUntil: "load" });
    return { page, errors, requests, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Each canvas's id, size and the share of its pixels painted (page code as a string: this project type-checks against Node's types, not the DOM's). */
export const CANVAS_PAINT = `
  [...document.querySelectorAll("canvas")].map((canvas) => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return { id: canvas.id, width: canvas.width, height: canvas.height, painted: painted / (data.length / 4) };
  })
`;

export interface CanvasPaint {
  id: string;
  width: number;
  height: number;
  painted: number;
}
