/**
 * A lean `fetch` for grammY's API client: one keep-alive `http(s).request` per call, with the
 * body as grammY builds it (a JSON string, or a stream for file uploads) and `json()` on the
 * answer. It replaces node-fetch, whose per-request bookkeeping showed up in the bot's profile.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";

interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | null;
}

export interface LeanResponse {
  readonly status: number;
  readonly ok: boolean;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    response.on("error", reject);
  });
}

/** Creates the transport; one agent per protocol keeps connections to the Bot API open. */
export function createTransport(): (url: string | URL, init?: FetchInit) => Promise<LeanResponse> {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

  return (url, init = {}) =>
    new Promise<LeanResponse>((resolve, reject) => {
      const target = typeof url === "string" ? new URL(url) : url;
      const secure = target.protocol === "https:";
      const body = init.body;
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: init.method ?? "GET",
          headers: init.headers ?? {},
          agent: secure ? httpsAgent : httpAgent,
        },
        (response) => {
          const text = readAll(response);
          const status = response.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            text: () => text,
            json: async () => JSON.parse(await text) as unknown,
          });
        },
      );
      request.on("error", reject);
      const signal = init.signal;
      if (signal) {
        const abort = () => request.destroy(new Error("aborted"));
        if (signal.aborted) abort();
        else {
          signal.addEventListener("abort", abort, { once: true });
          // Once the exchange is over, the signal must not keep the request (and its socket's
          // buffers) reachable: grammY's signals outlive the call in a WeakMap of their polyfill.
          request.once("close", () => signal.removeEventListener("abort", abort));
        }
      }
      if (body === undefined || body === null) request.end();
      else if (typeof body === "string" || body instanceof Uint8Array) request.end(body);
      else Readable.from(body as AsyncIterable<Uint8Array>).pipe(request);
    });
}
