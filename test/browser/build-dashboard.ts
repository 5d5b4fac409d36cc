// Global set-up of the browser tier: build the dashboard into dashboard/dist exactly as
// `npm run build:dashboard` does, so the suite never tests a stale bundle.
import { build } from "vite";
import { DASHBOARD_VITE_CONFIG } from "../../src/api/dashboard-dir.ts";

export default async function setup(): Promise<void> {
  await build({ configFile: DASHBOARD_VITE_CONFIG, logLevel: "warn" });
}
