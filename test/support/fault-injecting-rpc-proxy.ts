import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { findInChain } from "../../src/runtime/error-chain.ts";

/** Anything that answers EIP-1193 `request` (Hardhat's in-process provider) or a node's HTTP URL. */
export type Upstream = { request(args: { method: string; params?: unknown }): Promise<unknown> } | string;

export interface FaultPlan {
  /** Answer the next N requests with HTTP 429 (and Retry-After seconds when given). */
  rateLimited?: number;
  retryAfterSec?: number;
  /** Answer the next N requests with HTTP 503. */
  serverErrors?: number;
  /** Drop every connection without an answer, as a dead node would. */
  down?: boolean;
  /** Replace the `result` of the next N answers to this method with this value (malformed data). */
  corruptResult?: { method: string; times: number; result: unknown };
  /** Run before forwarding each request (e.g. to reorg the chain between two reads of one snapshot). */
  beforeForward?: (method: string, index: number) => Promise<void>;
  /** Replace a successful answer's `result` with what this returns (a lying node: a price that is not the chain's). */
  rewriteResult?: (call: { method: string; params?: unknown }, result: unknown) => unknown;
}

export interface FaultInjectingRpcProxy {
  url: string;
  /** Every JSON-RPC method the proxy received, in order (batches flattened). */
  methods: string[];
  /** HTTP requests received (a JSON-RPC batch is one). */
  httpRequests: number;
  setFaults(plan: FaultPlan): void;
  stop(): Promise<void>;
}

/**
 * A real HTTP JSON-RPC front for a real node, which injects the faults a test asks for. It stands in
 * for the network between a client and its node, not for the node: every answer it does give comes
 * from the node, unless the test asks it to lie (`rewriteResult`, `corruptResult`).
 */
export async function startFaultInjectingRpcProxy(upstream: Upstream): Promise<FaultInjectingRpcProxy> {
  let faults: FaultPlan = {};
  const sockets = new Set<Socket>();
  const proxy: FaultInjectingRpcProxy = {
    url: "",
    methods: [],
    httpRequests: 0,
    setFaults(plan) {
      faults = { ...plan };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const forward = async (body: unknown): Promise<unknown> => {
    if (typeof upstream === "string") {
      const response = await fetch(upstream, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return response.json();
    }
    const call = body as { id: unknown; method: string; params?: unknown };
    try {
      const result = await upstream.request({ method: call.method, params: call.params });
      return { jsonrpc: "2.0", id: call.id, result };
    } catch (error) {
      const e = error as { code?: number; message?: string; data?: unknown };
      // A revert's data sits on the provider's own error, under the client's wrappers: a node answers it.
      const withData = findInChain(error, (link) => (link as { data?: unknown }).data !== undefined);
      return {
        jsonrpc: "2.0",
        id: call.id,
        error: { code: e.code ?? -32000, message: e.message, data: (withData as { data?: unknown })?.data },
      };
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    proxy.httpRequests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    const calls = (Array.isArray(body) ? body : [body]) as { method: string }[];
    for (const call of calls) proxy.methods.push(call.method);

    if (faults.down) {
      request.socket.destroy();
      return;
    }
    if ((faults.rateLimited ?? 0) > 0) {
      faults.rateLimited = (faults.rateLimited ?? 0) - 1;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (faults.retryAfterSec !== undefined) headers["retry-after"] = String(faults.retryAfterSec);
      response.writeHead(429, headers).end(JSON.stringify({ error: "too many requests" }));
      return;
    }
    if ((faults.serverErrors ?? 0) > 0) {
      faults.serverErrors = (faults.serverErrors ?? 0) - 1;
      response.writeHead(503, { "content-type": "text/plain" }).end("upstream unavailable");
      return;
    }
    if (faults.beforeForward) {
      for (const call of calls) await faults.beforeForward(call.method, proxy.methods.length);
    }
    const answers = await Promise.all(calls.map((call) => forward(call)));
    const corrupt = faults.corruptResult;
    for (const [index, call] of calls.entries()) {
      const answer = answers[index] as { result?: unknown };
      if (faults.rewriteResult && answer.result !== undefined) {
        answer.result = faults.rewriteResult(call as { method: string; params?: unknown }, answer.result);
      }
      if (corrupt && corrupt.times > 0 && call.method === corrupt.method) {
        corrupt.times -= 1;
        (answers[index] as { result?: unknown }).result = corrupt.result;
      }
    }
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500).end(error.message);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
