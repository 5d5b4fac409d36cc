// One Redis connection for the keeper, whichever way Redis is deployed (`redis.url`, `redis.sentinels` or
// `redis.cluster`): BullMQ and the keeper's own stores take it as it is (ioredis `Redis` or `Cluster`).
//
// Sentinel: on every (re)connection ioredis asks the sentinels for the primary. A dead primary closes the connection;
// a sentinel demoting a live one kills its clients (`CLIENT KILL TYPE normal`, sentinel.c); a write that still
// reaches a primary just turned replica gets READONLY, which reconnects and resends it (`reconnectOnError` → 2).
// ioredis' `failoverDetector` is left off: its `+switch-master` handler disconnects the connector, and arriving
// while the client is already reconnecting (the primary died) it ends the connection for good ("Connection is
// closed", ioredis 5.9 SentinelConnector.connect): a race the failover test ran into.
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { redactRedisUrl } from "./redis-server.ts";

export type RedisConnection = Redis | Cluster;

/** The configuration's `redis` section, without the key prefix: exactly one of the three is set. */
export interface RedisTopology {
  url?: string | undefined;
  sentinels?: { masterName: string; nodes: readonly string[]; password?: string | undefined } | undefined;
  cluster?: { nodes: readonly string[]; password?: string | undefined } | undefined;
}

export interface RedisConnectionOptions {
  /** Connect on the first command instead of at once. */
  lazyConnect?: boolean;
  /** Give up on a command after this many reconnections (BullMQ needs null: wait for Redis, never fail a job on it). */
  maxRetriesPerRequest?: number | null;
  connectTimeoutMs?: number;
  /** Whether to reconnect at all after a lost connection (a one-shot probe does not). */
  reconnect?: boolean;
}

const followsPromotion: RedisOptions["reconnectOnError"] = (error) =>
  error.message.startsWith("READONLY") ? 2 : false;

function hostPort(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(":");
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
}

export function connectRedis(topology: RedisTopology, options: RedisConnectionOptions = {}): RedisConnection {
  const common: RedisOptions = {
    lazyConnect: options.lazyConnect ?? false,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? null : options.maxRetriesPerRequest,
    ...(options.connectTimeoutMs !== undefined && { connectTimeout: options.connectTimeoutMs }),
    ...(options.reconnect === false && { retryStrategy: () => null, enableOfflineQueue: false }),
  };
  if (topology.sentinels !== undefined) {
    const { masterName, nodes, password } = topology.sentinels;
    return new Redis({
      ...common,
      sentinels: nodes.map(hostPort),
      name: masterName,
      role: "master",
      ...(password !== undefined && { password }),
      reconnectOnError: followsPromotion,
      ...(options.reconnect === false && { sentinelRetryStrategy: () => null }),
    });
  }
  if (topology.cluster !== undefined) {
    const { nodes, password } = topology.cluster;
    return new Cluster(nodes.map(hostPort), {
      redisOptions: { ...common, ...(password !== undefined && { password }) },
      lazyConnect: common.lazyConnect ?? false,
      // A moved slot (a failover inside the cluster) is followed; READONLY from a demoted node likewise.
      ...(options.reconnect === false && { clusterRetryStrategy: () => null }),
    });
  }
  if (topology.url === undefined) throw new Error("redis: none of url, sentinels, cluster is set");
  return new Redis(topology.url, common);
}

/** Where the topology points, for messages and logs: no credentials. */
export function describeRedisTopology(topology: RedisTopology): string {
  if (topology.sentinels !== undefined)
    return `sentinels ${topology.sentinels.nodes.join(",")} (primary "${topology.sentinels.masterName}")`;
  if (topology.cluster !== undefined) return `cluster ${topology.cluster.nodes.join(",")}`;
  return redactRedisUrl(topology.url ?? "");
}

/** The key whose value names what failed to answer: the configuration's `redis.url|sentinels|cluster`. */
export function redisTopologyKey(topology: RedisTopology): "redis.url" | "redis.sentinels" | "redis.cluster" {
  if (topology.sentinels !== undefined) return "redis.sentinels";
  if (topology.cluster !== undefined) return "redis.cluster";
  return "redis.url";
}

/** One PING through the topology with a short timeout and no reconnect loop; false on any failure. */
export async function pingRedisTopology(topology: RedisTopology, timeoutMs = 500): Promise<boolean> {
  const client = connectRedis(topology, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeoutMs: timeoutMs,
    reconnect: false,
  });
  client.on("error", () => {
    // reported through the failed ping below
  });
  try {
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs * 2).unref());
    return await Promise.race([
      client
        .connect()
        .then(() => client.ping())
        .then((answer) => answer === "PONG"),
      timeout,
    ]);
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
