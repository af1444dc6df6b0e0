/**
 * The load generator's HTTP client: keep-alive sockets that each carry one request at a time,
 * written as one buffer and read with a minimal HTTP/1.1 response parser (Content-Length or
 * chunked). Node's `http` client costs the generator about as much CPU per request as the bot
 * spends handling the update; on a 2-core machine that load would sit in the bot's latency.
 */
import { connect, type Socket } from "node:net";

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** From the request's write to the answer's last byte, in ms. */
  readonly ms: number;
}

interface Pending {
  readonly started: bigint;
  readonly resolve: (answer: Answer) => void;
  readonly reject: (error: Error) => void;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/** A complete response at the start of `data`: the answer and its length, or undefined if not yet. */
function parseResponse(
  data: Buffer,
): { status: number; contentType: string; body: string; length: number } | undefined {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = data.toString("latin1", 0, headerEnd).split("\r\n");
  const status = Number(head[0]!.split(" ")[1]);
  let contentLength = -1;
  let chunked = false;
  let contentType = "";
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-length") contentLength = Number(value);
    else if (name === "transfer-encoding") chunked = value.toLowerCase().includes("chunked");
    else if (name === "content-type") contentType = value;
  }
  let offset = headerEnd + 4;
  if (!chunked) {
    const length = Math.max(contentLength, 0);
    if (data.length < offset + length) return undefined;
    return {
      status,
      contentType,
      body: data.toString("utf8", offset, offset + length),
      length: offset + length,
    };
  }
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = data.indexOf("\r\n", offset);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString("latin1", offset, lineEnd), 16);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    if (size === 0) {
      return {
        status,
        contentType,
        body: Buffer.concat(parts).toString("utf8"),
        length: start + 2,
      };
    }
    parts.push(data.subarray(start, start + size));
    offset = start + size + 2;
  }
}

/** One keep-alive connection carrying one request at a time. */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  readonly socket: Socket;

  constructor(
    port: number,
    private readonly onIdle: (connection: Connection) => void,
    private readonly onGone: (connection: Connection) => void,
  ) {
    this.socket = connect({ host: "127.0.0.1", port, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => this.fail(new Error("connection closed")));
  }

  send(request: string, pending: Pending): void {
    this.pending = pending;
    this.socket.write(request);
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const response = parseResponse(this.buffered);
    const pending = this.pending;
    if (!response || !pending) return;
    this.pending = undefined;
    this.buffered = this.buffered.subarray(response.length);
    this.onIdle(this);
    pending.resolve({
      status: response.status,
      contentType: response.contentType,
      body: response.body,
      ms: Number(process.hrtime.bigint() - pending.started) / 1e6,
    });
  }

  private fail(error: Error): void {
    this.onGone(this);
    this.pending?.reject(error);
    this.pending = undefined;
  }
}

/** Posts JSON bodies to one path over keep-alive connections, opening more as requests overlap. */
export function createPoster(port: number, path: string, headers: Record<string, string>) {
  const head =
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const onIdle = (connection: Connection) => void idle.push(connection);
  const onGone = (connection: Connection) => {
    all.delete(connection);
    const at = idle.indexOf(connection);
    if (at >= 0) idle.splice(at, 1);
  };

  return {
    post(payload: string): Promise<Answer> {
      return new Promise((resolve, reject) => {
        let connection = idle.pop();
        if (!connection) {
          connection = new Connection(port, onIdle, onGone);
          all.add(connection);
        }
        connection.send(`${head}Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`, {
          started: process.hrtime.bigint(),
          resolve,
          reject,
        });
      });
    },
    close(): void {
      for (const connection of all) connection.socket.destroy();
    },
  };
}
