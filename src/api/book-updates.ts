// Server-sent events for the dashboard: one poller over the store's book statuses, shared by every connected
// client, runs only while someone listens. When any book's status block advances it sends an `update` event
// with the new overview; a comment line every heartbeat keeps proxies from closing an idle stream.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { HistoryStore, StoredBookStatus } from "../store/history-store.ts";
import type { UpdateEvent, Wire } from "./api-types.ts";
import { toJson } from "./json-response.ts";

export interface BookUpdatesOptions {
  store: HistoryStore;
  overview: (status: StoredBookStatus) => unknown;
  logger: Logger;
  pollMs: number;
  heartbeatMs: number;
  maxClients: number;
}

export interface BookUpdates {
  /** Takes over the response as an event stream; resolves once the stream is open. */
  subscribe(request: IncomingMessage, response: ServerResponse): Promise<void>;
  readonly clientCount: number;
  close(): void;
}

/** A book's position in time: its chain and block (a later block on the same chain is an advance). */
function positionOf(status: StoredBookStatus): string {
  return `${status.chainId}:${status.blockNumber}`;
}

export function createBookUpdates(options: BookUpdatesOptions): BookUpdates {
  const { store, logger } = options;
  const clients = new Set<ServerResponse>();
  let seen: Map<string, string> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let eventId = 0;
  let failing = false;
  let closed = false;

  function broadcast(chunk: string): void {
    for (const client of clients) client.write(chunk);
  }

  /** Reads the statuses; returns the ids whose block moved since the last read (none on the first). */
  async function read(): Promise<{ statuses: StoredBookStatus[]; changed: string[] }> {
    const statuses = await store.books();
    const next = new Map(statuses.map((s) => [s.bookId, positionOf(s)]));
    const previous = seen;
    seen = next;
    if (!previous) return { statuses, changed: [] };
    const changed = [...next].filter(([id, at]) => previous.get(id) !== at).map(([id]) => id);
    return { statuses, changed };
  }

  async function poll(): Promise<void> {
    pollTimer = undefined;
    try {
      const { statuses, changed } = await read();
      if (failing) logger.info("book updates: store readable again");
      failing = false;
      if (changed.length > 0 && clients.size > 0) {
        const event: UpdateEvent = {
          books: statuses.map((s) => options.overview(s) as Wire<UpdateEvent["books"][number]>),
          changed,
        };
        eventId += 1;
        broadcast(`id: ${eventId}\nevent: update\ndata: ${toJson(event)}\n\n`);
      }
    } catch (error) {
      // Log the first failure of a streak, not one line a second while the database is away.
      if (!failing) logger.error({ err: error }, "book updates: reading book statuses failed");
      failing = true;
    }
    schedule();
  }

  function schedule(): void {
    // One timer at a time, even when a poll still in flight outlives a stop() and a new listener's start().
    if (closed || clients.size === 0 || pollTimer) return;
    pollTimer = setTimeout(() => void poll(), options.pollMs);
  }

  function start(): void {
    heartbeatTimer = setInterval(() => broadcast(`: heartbeat ${Date.now()}\n\n`), options.heartbeatMs);
    schedule();
  }

  function stop(): void {
    clearTimeout(pollTimer);
    clearInterval(heartbeatTimer);
    pollTimer = undefined;
    heartbeatTimer = undefined;
    seen = undefined;
  }

  return {
    get clientCount() {
      return clients.size;
    },
    async subscribe(request, response) {
      if (closed || clients.size >= options.maxClients) {
        response
          .writeHead(503, { "content-type": "text/plain", "retry-after": "10" })
          .end("too many listeners\n");
        return;
      }
      // The first listener's baseline is read before the stream opens: a client that refreshes on `open` then
      // sees everything, and any later write is an advance the next poll reports.
      if (clients.size === 0 && !seen) {
        try {
          await read();
        } catch (error) {
          logger.error({ err: error }, "book updates: reading book statuses failed");
        }
      }
      if (request.destroyed) return;
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-content-type-options": "nosniff",
      });
      response.write("retry: 3000\n: connected\n\n");
      const first = clients.size === 0;
      clients.add(response);
      request.socket.setKeepAlive(true);
      const leave = () => {
        clients.delete(response);
        if (clients.size === 0) stop();
      };
      request.once("close", leave);
      response.once("close", leave);
      if (first) start();
    },
    close() {
      closed = true;
      stop();
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
