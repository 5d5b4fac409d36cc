// Prints an HTML document to PDF with the machine's Chromium (CHROMIUM_PATH, default /usr/bin/chromium: the one the
// browser tests drive), headless, from a temporary file: the document is self-contained, so nothing is fetched.
// Never downloads a browser.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export class PdfPrintError extends Error {
  override name = "PdfPrintError";
}

export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

export async function printHtmlToPdf(
  html: string,
  outPath: string,
  options: { chromiumPath?: string; timeoutMs?: number } = {},
): Promise<void> {
  const chromium = options.chromiumPath ?? chromiumExecutable();
  if (!existsSync(chromium))
    throw new PdfPrintError(`no Chromium at ${chromium}: install Debian's chromium or set CHROMIUM_PATH`);
  const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-pdf-"));
  const out = resolve(outPath);
  try {
    const page = join(dir, "report.html");
    writeFileSync(page, html);
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      `--user-data-dir=${join(dir, "profile")}`,
      "--no-pdf-header-footer",
      `--print-to-pdf=${out}`,
      pathToFileURL(page).href,
    ];
    const stderr = await new Promise<string>((done, failed) => {
      const child = spawn(chromium, args, { stdio: ["ignore", "ignore", "pipe"] });
      let text = "";
      child.stderr.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
      child.on("error", (error) => {
        clearTimeout(timer);
        failed(new PdfPrintError(`could not start ${chromium}: ${error.message}`));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) done(text);
        else
          failed(
            new PdfPrintError(
              `${chromium} exited with ${signal ?? code}: ${text.trim().split("\n").pop() ?? ""}`,
            ),
          );
      });
    });
    if (!existsSync(out) || statSync(out).size === 0)
      throw new PdfPrintError(`${chromium} wrote no PDF to ${out}: ${stderr.trim().split("\n").pop() ?? ""}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
