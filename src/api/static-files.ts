// The built dashboard as static files: known content types, hashed assets cached for good, index.html for any
// other page path (the app routes on the client), and nothing outside the directory, however the path is spelt.
import { readFile, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** The page may load only its own scripts and styles and talk only to this server. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface StaticFiles {
  /** Answers a GET for `pathname` (the URL's decoded-by-us path) from the directory. */
  serve(pathname: string, response: ServerResponse): Promise<void>;
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response
    .writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" })
    .end(`${text}\n`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export function createStaticFiles(directory: string): StaticFiles {
  const root = resolve(directory);
  const index = resolve(root, "index.html");

  async function send(response: ServerResponse, path: string, status = 200): Promise<void> {
    const body = await readFile(path);
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
    const immutable = path.startsWith(`${root}${sep}assets${sep}`);
    response
      .writeHead(status, {
        "content-type": type,
        "content-length": body.length,
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        "x-content-type-options": "nosniff",
        ...(type.startsWith("text/html")
          ? { "content-security-policy": CONTENT_SECURITY_POLICY, "referrer-policy": "no-referrer" }
          : {}),
      })
      .end(body);
  }

  return {
    async serve(pathname, response) {
      let relative: string;
      try {
        relative = decodeURIComponent(pathname);
      } catch {
        return sendText(response, 400, "bad request: the path is not valid percent-encoding");
      }
      if (relative.includes("\0") || relative.includes("\\")) return sendText(response, 400, "bad request");
      const target = resolve(root, `.${relative}`);
      if (target !== root && !target.startsWith(`${root}${sep}`)) return sendText(response, 403, "forbidden");
      if (target !== root && (await isFile(target))) return send(response, target);
      // A page path (no extension) is the app's; a missing asset is a real 404, not HTML under a .js name.
      if (extname(relative) !== "") return sendText(response, 404, "not found");
      if (!(await isFile(index))) {
        return sendText(response, 404, "the dashboard is not built: run `npm run build:dashboard`");
      }
      return send(response, index);
    },
  };
}
