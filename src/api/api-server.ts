// The read-only HTTP API over the history store and the dashboard that reads it, on node:http. GET only; an
// optional bearer token guards /api/*; store failures answer 500 and are logged, never taken down the server.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import type { KeeperHealth } from "../metrics/metrics.ts";
import type { HistoryStore } from "../store/history-store.ts";
import { ApiError } from "./api-error.ts";
import { answerApiRequest, bookOverview } from "./api-routes.ts";
import type { HealthResponse } from "./api-types.ts";
import { presentedToken, tokenMatches } from "./bearer-token.ts";
import { createBookUpdates } from "./book-updates.ts";
import { sendJson, sendJsonError } from "./json-response.ts";
import { createStaticFiles } from "./static-files.ts";

export interface ApiServerOptions {
  store: HistoryStore;
  /** The keeper's own health, mapped by the caller; without it /api/keeper answers 503. */
  keeperHealth?: () => Promise<KeeperHealth>;
  /** The Ederington floor reports are judged against (alerts.effectiveness.floorRatio; default 0.5). */
  effectivenessFloor?: number;
  host: string;
  /** 0 lets the OS pick a free port (read it from `url`). */
  port: number;
  /** When set, every /api/* request needs `Authorization: Bearer <token>` (/api/events also takes ?token=). */
  token?: string;
  /** The built dashboard (dashboard/dist), served at /; without it only the API and /healthz answer. */
  dashboardDir?: string;
  logger?: Logger;
  /** The process's clock, in whole seconds (default: the wall clock). */
  nowSec?: () => number;
  /** Server-sent events tuning (tests shorten it): store poll 1 s, heartbeat 15 s, 100 listeners. */
  events?: { pollMs?: number; heartbeatMs?: number; maxClients?: number };
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { store, token } = options;
  const logger = options.logger ?? pino({ level: "silent" });
  const nowSec = options.nowSec ?? (() => Math.floor(Date.now() / 1000));
  const statics = options.dashboardDir ? createStaticFiles(options.dashboardDir) : undefined;
  const updates = createBookUpdates({
    store,
    overview: bookOverview,
    logger,
    pollMs: options.events?.pollMs ?? 1000,
    heartbeatMs: options.events?.heartbeatMs ?? 15_000,
    maxClients: options.events?.maxClients ?? 100,
  });
  const routeContext = {
    store,
    nowSec,
    ...(options.keeperHealth ? { keeperHealth: options.keeperHealth } : {}),
    ...(options.effectivenessFloor === undefined ? {} : { effectivenessFloor: options.effectivenessFloor }),
  };

  async function health(response: ServerResponse): Promise<void> {
    try {
      await store.books();
      sendJson(response, 200, { ok: true, store: store.backend } satisfies HealthResponse);
    } catch (error) {
      logger.error({ err: error }, "healthz: the history store did not answer");
      const body: HealthResponse = {
        ok: false,
        store: store.backend,
        error: "the history store did not answer",
      };
      sendJson(response, 503, body);
    }
  }

  async function api(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const events = url.pathname === "/api/events";
    if (token !== undefined && !tokenMatches(token, presentedToken(request, url, { allowQuery: events }))) {
      return sendJsonError(
        response,
        401,
        events
          ? "this API needs a bearer token: send Authorization: Bearer <token> or ?token=<token>"
          : "this API needs a bearer token: send Authorization: Bearer <token>",
        { "www-authenticate": 'Bearer realm="hedgekeeper"' },
      );
    }
    if (events) return updates.subscribe(request, response);
    const body = await answerApiRequest(routeContext, url.pathname, url.searchParams);
    sendJson(response, 200, body);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://localhost");
    } catch {
      return sendJsonError(response, 400, "bad request: the URL cannot be parsed");
    }
    const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/");
    try {
      if (request.method !== "GET") {
        const message = `method ${request.method} not allowed: this API is read-only (GET)`;
        return sendJsonError(response, 405, message, { allow: "GET" });
      }
      if (url.pathname === "/healthz") return await health(response);
      if (isApi) return await api(request, response, url);
      if (statics) return await statics.serve(url.pathname, response);
      return sendJsonError(response, 404, "not found: this server has no dashboard; the API is under /api/");
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      // Only the path is logged: the query may carry the token (/api/events?token=).
      const fields = { method: request.method, path: url.pathname, status, err: error };
      if (status >= 500) logger.error(fields, "api request failed");
      else logger.debug(fields, "api request refused");
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message =
        error instanceof ApiError ? error.message : "internal error: the history store query failed";
      return sendJsonError(response, status, message);
    } finally {
      // An event stream's "request" lasts as long as the stream; its end is not a request to log.
      if (url.pathname !== "/api/events") {
        logger.debug(
          {
            method: request.method,
            path: url.pathname,
            status: response.statusCode,
            duration_ms: Math.round(performance.now() - started),
          },
          "api request",
        );
      }
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error }, "api request handler crashed");
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  logger.info(
    { url, store: store.backend, auth: token !== undefined, dashboard: statics !== undefined },
    "api listening",
  );

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        updates.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
