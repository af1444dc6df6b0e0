/**
 * The load generator's HTTP client: keep-alive sockets that each carry one request at a time,
 * written as one buffer and read with a minimal HTTP/1.1 parser (Content-Length or chunked), which
 * the Bot API stand-in uses for requests. Node's `http` client costs the generator about as much CPU per request as the bot
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

/** One HTTP/1.1 message: its start line, headers (names in lower case) and body. */
export interface HttpMessage {
  readonly startLine: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** How many bytes of the input it took. */
  readonly length: number;
}

/**
 * The complete message at the start of `data` (a request or a response, with a Content-Length or
 * a chunked body), or undefined while more bytes are needed.
 */
export function parseHttpMessage(data: Buffer): HttpMessage | undefined {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const [startLine, ...lines] = data.toString("latin1", 0, headerEnd).split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let offset = headerEnd + 4;
  if (!headers.get("transfer-encoding")?.toLowerCase().includes("chunked")) {
    const length = Number(headers.get("content-length") ?? 0);
    if (data.length < offset + length) return undefined;
    const body = data.subarray(offset, offset + length);
    return { startLine: startLine!, headers, body, length: offset + length };
  }
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = data.indexOf("\r\n", offset);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString("latin1", offset, lineEnd), 16);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    if (size === 0) {
      return { startLine: startLine!, headers, body: Buffer.concat(parts), length: start + 2 };
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
    const response = parseHttpMessage(this.buffered);
    const pending = this.pending;
    if (!response || !pending) return;
    this.pending = undefined;
    this.buffered = this.buffered.subarray(response.length);
    this.onIdle(this);
    pending.resolve({
      status: Number(response.startLine.split(" ")[1]),
      contentType: response.headers.get("content-type") ?? "",
      body: response.body.toString("utf8"),
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
