// Chromium for the browser suites: the machine's Debian build (CHROMIUM_PATH, default /usr/bin/chromium) driven
// by playwright-core, which never downloads a browser. withPage opens a page, collects what the page logged as
// an error, and closes everything however the body ends.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";

export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "browser", "screenshots");

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface PageSession {
  page: Page;
  /** Console errors, uncaught exceptions and failed requests, in order: a clean page leaves this empty. */
  errors: string[];
  /** Saves a full-page PNG as SCREENSHOT_DIR/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
}

export interface WithPageOptions {
  /** Reuse a browser (a suite's); without one a browser is launched and closed for this page. */
  browser?: Browser;
  /** Viewport and other context options (default 1280×800). */
  context?: BrowserContextOptions;
  /** Milliseconds to wait for the page's load event. */
  timeoutMs?: number;
}

/** Opens `url` in a fresh context, runs `body`, and closes the context (and the browser if it launched one). */
export async function withPage<T>(
  url: string,
  body: (session: PageSession) => Promise<T>,
  options: WithPageOptions = {},
): Promise<T> {
  const browser = options.browser ?? (await launchChromium());
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options.context });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
    page.on("requestfailed", (request) => {
      // An event stream the page closes on purpose (navigation, context close) is not a failure.
      if (request.failure()?.errorText === "net::ERR_ABORTED") return;
      errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`);
    });
    await page.goto(url, { waitUntil: "load", timeout: options.timeoutMs ?? 30_000 });
    const screenshot = async (name: string) => {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    };
    return await body({ page, errors, screenshot });
  } finally {
    await context.close();
    if (!options.browser) await browser.close();
  }
}

/**
 * The page's globals as functions passed to page.evaluate see them. The project compiles without the DOM lib
 * (src/ must not lean on browser globals), so in-page code casts `globalThis` to the part it reads.
 */
export interface PageGlobals {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  sessionStorage: { getItem(key: string): string | null };
}

/** True when the document is wider than the viewport (something forces horizontal scrolling). */
export function hasHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const { documentElement } = (globalThis as unknown as PageGlobals).document;
    return documentElement.scrollWidth > documentElement.clientWidth;
  });
}
