/**
 * The bot's HTTP side: the webhook endpoint (secret checked), `/healthz` (Redis reachability) and
 * `/metrics` (Prometheus). In polling mode it serves only health and metrics.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.js";

const MAX_BODY = 1024 * 1024;
/** An update's body arrives at once; a request that stalls longer is dropped (Telegram resends). */
const BODY_TIMEOUT_MS = 10_000;

export interface HttpServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly health: () => Promise<{ ok: boolean; redis: "up" | "down" | "not used" }>;
  readonly webhook?: {
    readonly path: string;
    readonly secret: string;
    /**
     * Handles one update; what it returns is the webhook reply: one Bot API call (JSON with
     * `method`) that Telegram performs when it reads the response, saving a request.
     */
    readonly handle: (update: unknown) => Promise<string | undefined>;
  };
}

export interface RunningServer {
  readonly port: number;
  /** Stops taking requests and waits for the updates in flight. */
  close(): Promise<void>;
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request body, or undefined when it is larger than MAX_BODY (events: no async iterator per request). */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
      else resolve(undefined); // the rest flows by unread
    });
    request.on("end", () =>
      resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks, size).toString("utf8")),
    );
    request.on("error", reject);
    // Destroyed (timed out, broken off) before its end: settled all the same.
    request.on("close", () => reject(new Error("request closed before its end")));
  });
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const respond = (
    response: ServerResponse,
    status: number,
    body: string,
    type = "text/plain; charset=utf-8",
  ) => {
    response.writeHead(status, { "content-type": type });
    response.end(body);
  };

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const hook = options.webhook;
    if (hook && path === hook.path) {
      if (request.method !== "POST") return respond(response, 405, "method not allowed");
      if (!sameSecret(request.headers["x-telegram-bot-api-secret-token"], hook.secret)) {
        options.logger.warn("webhook request with a wrong secret refused");
        return respond(response, 401, "unauthorized");
      }
      if (closing) {
        // Shutting down: not taken in, so Telegram sends it again, to the next process.
        response.setHeader("connection", "close");
        return respond(response, 503, "shutting down");
      }
      request.setTimeout(BODY_TIMEOUT_MS, () => request.destroy());
      const work = (async () => {
        const body = await readBody(request);
        // Handling may take longer (Telegram's retry-after): only the body had a time limit.
        request.setTimeout(0);
        let update: unknown;
        try {
          update = body === undefined ? undefined : JSON.parse(body);
        } catch {
          update = undefined;
        }
        if (
          update === null ||
          typeof update !== "object" ||
          typeof (update as { update_id?: unknown }).update_id !== "number"
        ) {
          return respond(response, 400, "not an update");
        }
        // The bot's error boundary answers the parent; a failure here must not make Telegram resend forever.
        const reply = await hook.handle(update).catch((error: unknown) => {
          options.logger.error({ err: String(error) }, "webhook update failed");
          return undefined;
        });
        if (reply === undefined) respond(response, 200, "");
        else respond(response, 200, reply, "application/json");
      })();
      inFlight.add(work);
      work.then(
        () => inFlight.delete(work),
        (error: unknown) => {
          // The request broke off while its body was read: nothing was handled.
          inFlight.delete(work);
          options.logger.debug({ err: String(error) }, "webhook request aborted");
          if (!response.headersSent) respond(response, 400, "aborted");
        },
      );
      return;
    }
    if (request.method === "GET" && path === "/healthz") {
      void options.health().then(
        (health) =>
          respond(response, health.ok ? 200 : 503, JSON.stringify(health), "application/json"),
        () => respond(response, 503, JSON.stringify({ ok: false }), "application/json"),
      );
      return;
    }
    if (request.method === "GET" && path === "/metrics") {
      return respond(response, 200, options.metrics.render(), "text/plain; version=0.0.4");
    }
    respond(response, 404, "not found");
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;

  return {
    port,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests still arrive on connections that were busy; they get 503 and close them.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
}
