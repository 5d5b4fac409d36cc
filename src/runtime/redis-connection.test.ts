import { describe, expect, it } from "vitest";
import { describeRedisTopology, redisTopologyKey } from "./redis-connection.ts";

describe("a Redis topology in messages", () => {
  it("names a single server by its URL with the credentials masked", () => {
    const topology = { url: "redis://user:hunter2@10.0.0.5:6379/2" };
    expect(describeRedisTopology(topology)).toBe("redis://***:***@10.0.0.5:6379/2");
    expect(describeRedisTopology(topology)).not.toContain("hunter2");
    expect(redisTopologyKey(topology)).toBe("redis.url");
  });

  it("names sentinels and a cluster by their nodes, never by their password, under their own keys", () => {
    const sentinels = {
      sentinels: { masterName: "hk", nodes: ["10.0.0.1:26379", "10.0.0.2:26379"], password: "hunter2" },
    };
    expect(describeRedisTopology(sentinels)).toBe('sentinels 10.0.0.1:26379,10.0.0.2:26379 (primary "hk")');
    expect(redisTopologyKey(sentinels)).toBe("redis.sentinels");
    const cluster = { cluster: { nodes: ["10.0.0.1:7000"], password: "hunter2" } };
    expect(describeRedisTopology(cluster)).toBe("cluster 10.0.0.1:7000");
    expect(redisTopologyKey(cluster)).toBe("redis.cluster");
  });
});
