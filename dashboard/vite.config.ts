// The steward dashboard: a static page built into dashboard/dist and served by the API server
// (src/api/static-files.ts). `npm run dev:dashboard` proxies /api to a running API: HEDGEKEEPER_API_URL,
// by default the demo's http://127.0.0.1:8080.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs: the page works wherever the API server mounts it.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // No inline module-preload polyfill: the server's CSP allows only scripts from itself.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    proxy: { "/api": process.env.HEDGEKEEPER_API_URL ?? "http://127.0.0.1:8080" },
  },
});
