// Where `npm run build:dashboard` (vite build) puts the steward dashboard; pass it as startApiServer's
// dashboardDir. Resolved from this file, so it holds whatever the working directory.
import { fileURLToPath } from "node:url";

export const DASHBOARD_DIST_DIR = fileURLToPath(new URL("../../dashboard/dist", import.meta.url));
export const DASHBOARD_VITE_CONFIG = fileURLToPath(
  new URL("../../dashboard/vite.config.ts", import.meta.url),
);
