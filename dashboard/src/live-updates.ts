// Live updates: the API's server-sent events when they work, polling when they do not (a proxy that buffers,
// a closed stream). EventSource reconnects by itself after a dropped connection; when it gives up (an HTTP
// error such as 401) the page polls and tries the stream again later.
import type { UpdateEvent } from "../../src/api/api-types.ts";
import { eventsUrl } from "./api-client.ts";

export type Connection = "connecting" | "live" | "polling";

export interface LiveUpdates {
  /** Reconnect now (after the token changed). */
  restart(): void;
  stop(): void;
}

export function startLiveUpdates(handlers: {
  /** The stream (re)opened: anything may have changed while it was down. */
  onOpen(): void;
  onUpdate(event: UpdateEvent): void;
  /** Polling tick while the stream is down. */
  onPoll(): void;
  onConnection(state: Connection): void;
  pollMs?: number;
  retryStreamMs?: number;
}): LiveUpdates {
  const pollMs = handlers.pollMs ?? 5000;
  const retryStreamMs = handlers.retryStreamMs ?? 30_000;
  let source: EventSource | undefined;
  let pollTimer: number | undefined;
  let retryTimer: number | undefined;

  function startPolling(): void {
    handlers.onConnection("polling");
    if (pollTimer === undefined) pollTimer = window.setInterval(handlers.onPoll, pollMs);
    if (retryTimer === undefined) {
      retryTimer = window.setTimeout(() => {
        retryTimer = undefined;
        connect();
      }, retryStreamMs);
    }
  }

  function stopPolling(): void {
    window.clearInterval(pollTimer);
    pollTimer = undefined;
  }

  function connect(): void {
    source?.close();
    if (typeof EventSource === "undefined") {
      startPolling();
      return;
    }
    handlers.onConnection("connecting");
    const stream = new EventSource(eventsUrl());
    source = stream;
    stream.addEventListener("open", () => {
      stopPolling();
      handlers.onConnection("live");
      handlers.onOpen();
    });
    stream.addEventListener("update", (message) => {
      handlers.onUpdate(JSON.parse((message as MessageEvent<string>).data) as UpdateEvent);
    });
    stream.addEventListener("error", () => {
      // CONNECTING: the browser is retrying by itself; CLOSED: it gave up.
      if (stream.readyState === EventSource.CLOSED) startPolling();
      else handlers.onConnection("connecting");
    });
  }

  connect();
  return {
    restart() {
      window.clearTimeout(retryTimer);
      retryTimer = undefined;
      stopPolling();
      connect();
    },
    stop() {
      source?.close();
      stopPolling();
      window.clearTimeout(retryTimer);
    },
  };
}
