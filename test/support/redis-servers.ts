// Private redis-server processes for the high-availability suites, from Debian's `redis-server` binary: a primary and
// its replicas, sentinels (`redis-server <conf> --sentinel`), cluster nodes. Free loopback ports, one temporary
// directory for all of them (removed by `stopAll`), no persistence beyond what a role requires (a sentinel and a
// cluster node rewrite their own configuration file). Every process is killed in `stopAll`, also after a failure.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { findExecutable } from "../../src/runtime/find-executable.ts";
import { freeLoopbackPort } from "../../src/runtime/free-port.ts";

export interface RedisProcess {
  port: number;
  /** A client on this one server (no sentinel, no cluster redirection), made on first use. */
  direct(): Redis;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/** A TCP hop between a replica and its primary that the test can cut without either of them noticing. */
export interface ReplicationLink {
  port: number;
  /**
   * From now on the primary's replication stream is dropped on the floor: the replica receives nothing, and its
   * kernel buffers hold nothing it could read later (a frozen replica would still find its socket full).
   */
  cut(): void;
}

export interface RedisServers {
  readonly dir: string;
  /** A plain server; `replicaOf` makes it a replica of that port. */
  server(options?: { replicaOf?: number; extraArgs?: readonly string[] }): Promise<RedisProcess>;
  /** A hop to `primaryPort` for a replica to replicate through (`server({ replicaOf: link.port })`). */
  replicationLink(primaryPort: number): Promise<ReplicationLink>;
  /**
   * A sentinel monitoring `masterName` at `primaryPort` (quorum 2, down after `downAfterMs`). `failoverTimeoutMs` is
   * also how long a replica may replicate from another address than the primary's before the sentinel repoints it.
   */
  sentinel(input: {
    masterName: string;
    primaryPort: number;
    downAfterMs: number;
    failoverTimeoutMs: number;
  }): Promise<RedisProcess>;
  /** A node with cluster mode on (slots assigned by `createCluster`). */
  clusterNode(): Promise<RedisProcess>;
  /** `redis-cli --cluster create` over the nodes, no replicas; resolves once every slot is served. */
  createCluster(nodes: readonly RedisProcess[]): Promise<void>;
  stopAll(): Promise<void>;
}

function executable(name: string): string {
  const found = findExecutable(name);
  if (found === undefined) throw new Error(`${name} is not installed (Debian: apt-get install redis-server)`);
  return found;
}

async function answering(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      // not yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline)
      throw new Error(`redis-server on port ${port} did not answer in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function startRedisServers(label: string): RedisServers {
  const dir = mkdtempSync(join(tmpdir(), `hk-${label}-`));
  const children: ChildProcess[] = [];
  const links: { close(): void }[] = [];
  const clients: Redis[] = [];

  const launch = async (port: number, args: readonly string[]): Promise<RedisProcess> => {
    const child = spawn(executable("redis-server"), args, { stdio: "ignore" });
    children.push(child);
    await answering(port, 10_000);
    let client: Redis | undefined;
    return {
      port,
      direct() {
        if (client === undefined) {
          client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
          client.on("error", () => {});
          clients.push(client);
        }
        return client;
      },
      kill: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    };
  };

  const noPersistence = ["--save", "", "--appendonly", "no"];
  return {
    dir,
    async server(options = {}) {
      const port = await freeLoopbackPort();
      return launch(port, [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--dbfilename",
        `dump-${port}.rdb`,
        ...noPersistence,
        ...(options.replicaOf !== undefined ? ["--replicaof", "127.0.0.1", String(options.replicaOf)] : []),
        ...(options.extraArgs ?? []),
      ]);
    },
    async replicationLink(primaryPort) {
      const port = await freeLoopbackPort();
      let cut = false;
      const sockets = new Set<Socket>();
      const server = createServer((replicaSide) => {
        const primarySide = createConnection({ port: primaryPort, host: "127.0.0.1" });
        for (const socket of [replicaSide, primarySide]) {
          sockets.add(socket);
          socket.on("error", () => {});
          socket.on("close", () => {
            replicaSide.destroy();
            primarySide.destroy();
          });
        }
        primarySide.on("data", (chunk: Buffer) => {
          if (!cut) replicaSide.write(chunk);
        });
        replicaSide.on("data", (chunk: Buffer) => {
          if (!cut) primarySide.write(chunk);
        });
      });
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      links.push({
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      });
      return {
        port,
        cut: () => {
          cut = true;
        },
      };
    },
    async sentinel({ masterName, primaryPort, downAfterMs, failoverTimeoutMs }) {
      const port = await freeLoopbackPort();
      // A sentinel rewrites its configuration file (what it learned of replicas and peers): one file each.
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
          `sentinel failover-timeout ${masterName} ${failoverTimeoutMs}`,
          `sentinel parallel-syncs ${masterName} 1`,
          "",
        ].join("\n"),
      );
      return launch(port, [conf, "--sentinel"]);
    },
    async clusterNode() {
      const port = await freeLoopbackPort();
      return launch(port, [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--cluster-node-timeout",
        "2000",
        ...noPersistence,
      ]);
    },
    async createCluster(nodes) {
      const cli = spawn(
        executable("redis-cli"),
        [
          "--cluster",
          "create",
          ...nodes.map((n) => `127.0.0.1:${n.port}`),
          "--cluster-replicas",
          "0",
          "--cluster-yes",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      cli.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => cli.once("exit", resolve));
      if (code !== 0) throw new Error(`redis-cli --cluster create failed (${code}):\n${output}`);
      const deadline = Date.now() + 15_000;
      for (const node of nodes) {
        for (;;) {
          const info = (await node.direct().cluster("INFO")) as string;
          if (info.includes("cluster_state:ok")) break;
          if (Date.now() > deadline) throw new Error(`cluster not ok on port ${node.port}:\n${info}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
    async stopAll() {
      for (const client of clients.splice(0)) client.disconnect();
      for (const link of links.splice(0)) link.close();
      await Promise.all(
        children.splice(0).map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill("SIGKILL");
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
