// A small node:http server: `/metrics` in Prometheus text format from our registry, `/healthz` as JSON (200
// while healthy, 503 otherwise). Bound to loopback unless the configuration says otherwise.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface HealthReport {
  ok: boolean;
  [detail: string]: unknown;
}

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: {
  /** A keeper's metrics, or anything that renders a registry's text (a supervisor's aggregate of several). */
  metrics: { registry: Pick<Registry, "metrics" | "contentType"> };
  host?: string;
  port?: number;
  health?: () => HealthReport | Promise<HealthReport>;
}): Promise<MetricsServer> {
  const { registry } = options.metrics;
  const server: Server = createServer(async (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    try {
      if (request.method !== "GET") {
        response.writeHead(405, { allow: "GET" }).end();
      } else if (path === "/metrics") {
        const body = await registry.metrics();
        response.writeHead(200, { "content-type": registry.contentType }).end(body);
      } else if (path === "/healthz") {
        const report = options.health ? await options.health() : { ok: true };
        response
          .writeHead(report.ok ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(report));
      } else {
        response
          .writeHead(404, { "content-type": "text/plain" })
          .end("not found: try /metrics or /healthz\n");
      }
    } catch {
      response.writeHead(500, { "content-type": "text/plain" }).end("internal error\n");
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
