import { expect, it, onTestFinished } from "vitest";
import { createBookStateStore } from "../../../keeper/book-state-store.ts";
import { createKeeperEvents } from "../../../keeper/events.ts";
import { keeperHealth } from "../../../keeper/health.ts";
import { toMetricsHealth } from "../../../keeper/metrics-health.ts";
import { createKeeperQueues } from "../../../keeper/queues.ts";
import { alertConditions } from "../../../src/alerts/alert-conditions.ts";
import { BOOK_ID, keeperAddress, produceBlocks, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// The keeper's heartbeat is when it last did work. The operator's health loop (`hedgekeeper run`) reads it from
// Redis on its own clock, so a keeper that stops working raises the heartbeat alert even though the process
// reading its health, and Redis, and the chain, all still answer.
const bed = useKeeperTestbed("keeper-heartbeat");

const MAX_AGE_SEC = 30;

it("raises the heartbeat alert once the keeper stops working while the operator reading its health lives on", async () => {
  const keeper = bed.keeperFor({ mode: "shadow" });
  const { config } = keeper.ctx.common;
  const { redis } = bed.redis;
  const queues = createKeeperQueues(redis, config);
  onTestFinished(() => queues.close());
  const heartbeatAlert = async (nowMs: number) => {
    const health = await keeperHealth({
      config,
      nowMs,
      client: keeper.ctx.client,
      signer: keeperAddress(),
      queues,
      events: createKeeperEvents(redis, config.redisPrefix, { clock: keeper.ctx.common.clock }),
      bookState: createBookStateStore(redis, config.redisPrefix),
    });
    return alertConditions({
      nowSec: Math.floor(nowMs / 1000),
      books: [],
      keeper: toMetricsHealth(health),
      thresholds: { keeperHeartbeatMaxAgeSec: MAX_AGE_SEC, signerBalanceMinEth: 0 },
    }).find((alert) => alert.key === "keeper-heartbeat");
  };

  await keeper.start();
  const blocks = produceBlocks(bed.devnet());
  onTestFinished(() => blocks.stop());
  await waitFor("an evaluation", () => keeper.ctx.bookState.lastEvaluation(BOOK_ID));
  expect(await heartbeatAlert(Date.now())).toBeUndefined();

  await keeper.stop();
  const stoppedAtMs = Date.now();
  expect(await heartbeatAlert(stoppedAtMs)).toBeUndefined();
  expect(await heartbeatAlert(stoppedAtMs + (MAX_AGE_SEC + 5) * 1000)).toMatchObject({
    severity: "critical",
    title: "keeper heartbeat missed",
  });
});
