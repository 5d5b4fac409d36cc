// One queue per stage, each with its own retry policy. Lanes are BullMQ priorities (1 runs first): both
// lanes carry an explicit priority, since BullMQ serves un-prioritized jobs before prioritized ones.
import { type DefaultJobOptions, Queue } from "bullmq";
import type { Lane } from "../src/engine/plan.ts";
import type { RedisConnection } from "../src/runtime/redis-connection.ts";
import type { KeeperConfig } from "./config.ts";

export const QUEUE_NAMES = {
  scan: "scan",
  evaluate: "evaluate",
  submit: "submit",
  confirm: "confirm",
} as const;

export const LANE_PRIORITY: Record<Lane, number> = { urgent: 1, routine: 10 };

export interface KeeperQueues {
  scan: Queue;
  evaluate: Queue;
  submit: Queue;
  confirm: Queue;
  all(): Queue[];
  close(): Promise<void>;
}

export function createKeeperQueues(connection: RedisConnection, config: KeeperConfig): KeeperQueues {
  const prefix = config.redisPrefix;
  const keepSome = { removeOnComplete: { count: 1_000 }, removeOnFail: { count: 5_000 } };
  const make = (name: string, defaults: { defaultJobOptions: DefaultJobOptions }) =>
    new Queue(name, { connection, prefix, ...defaults });
  const scan = make(QUEUE_NAMES.scan, {
    defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
  });
  const evaluate = make(QUEUE_NAMES.evaluate, {
    defaultJobOptions: { attempts: 3, backoff: { type: "exponential", delay: 200 }, ...keepSome },
  });
  const txJobs = {
    defaultJobOptions: {
      attempts: config.attempts,
      backoff: { type: "exponential" as const, delay: config.backoffMs },
      ...keepSome,
    },
  };
  const submit = make(QUEUE_NAMES.submit, txJobs);
  const confirm = make(QUEUE_NAMES.confirm, txJobs);
  const all = () => [scan, evaluate, submit, confirm];
  return {
    scan,
    evaluate,
    submit,
    confirm,
    all,
    close: async () => {
      await Promise.all(all().map((queue) => queue.close()));
    },
  };
}
