// The keeper's own health: heartbeat, queue depth and lag, last success per component, signer balances.
import type { KeeperResponse } from "../../../src/api/api-types.ts";
import { h } from "../element.ts";
import { ago, count, duration, eth, shortHex } from "../format.ts";
import { cell, stackedTable } from "./panel.ts";

/** A heartbeat older than this reads as a stalled keeper. */
const STALE_HEARTBEAT_SEC = 60;

export function keeperHealthView(
  { keeper, heartbeatAgeSec }: KeeperResponse,
  nowSec = Date.now() / 1000,
): HTMLElement {
  const stale = heartbeatAgeSec === null || heartbeatAgeSec > STALE_HEARTBEAT_SEC;
  const queues = keeper.queues ?? [];
  const signers = keeper.signers ?? [];
  const successes = Object.entries(keeper.lastSuccessAtSec ?? {});
  return h(
    "div",
    { class: "keeper" },
    h(
      "p",
      { class: `headline ${stale ? "colour-red" : "colour-green"}`, "data-testid": "keeper-heartbeat" },
      heartbeatAgeSec === null ? "no heartbeat yet" : `heartbeat ${duration(heartbeatAgeSec)} ago`,
      stale ? h("strong", {}, " · stalled") : null,
    ),
    stackedTable(
      ["Queue", "Waiting", "Oldest job"],
      queues.map((q) =>
        h(
          "tr",
          { "data-testid": `queue-${q.name}` },
          cell("Queue", {}, q.name),
          cell("Waiting", {}, count(q.depth)),
          cell("Oldest job", { class: q.lagSec > 60 ? "colour-amber" : "" }, duration(q.lagSec)),
        ),
      ),
      { empty: "No queue figures." },
    ),
    successes.length > 0
      ? h(
          "dl",
          { class: "facts" },
          successes.map(([component, at]) => [
            h("dt", {}, `last ${component}`),
            h("dd", {}, ago(at, nowSec)),
          ]),
        )
      : null,
    signers.length > 0
      ? h(
          "dl",
          { class: "facts" },
          signers.map((s) => [
            h("dt", { title: s.address }, `signer ${shortHex(s.address)}`),
            h("dd", { "data-testid": `signer-${s.address}` }, eth(s.balanceEth)),
          ]),
        )
      : null,
  );
}
