/**
 * The bot's HTTP side: the webhook endpoint (secret checked), `/healthz` (Redis reachability) and
 * `/metrics` (Prometheus). In polling mode it serves only health and metrics.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.js";

const MAX_BODY = 1024 * 1024;

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
  });
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const inFlight = new Set<Promise<void>>();

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
      const work = (async () => {
        const body = await readBody(request);
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
      void work.finally(() => inFlight.delete(work));
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
}
