/**
 * The benchmark's HTTP client and parser: if they misread a message, every figure of
 * `npm run bench` would be wrong without anyone noticing.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createPoster, parseHttpMessage } from "../../bench/http-load.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0))
    await new Promise((resolve) => server.close(() => resolve(null)));
});

describe("parseHttpMessage", () => {
  const request = (body: string) =>
    `POST /bot1:x/sendMessage HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it("waits for the whole body, then reads it with its headers", () => {
    const whole = Buffer.from(request('{"text":"Grüße"}'));
    expect(parseHttpMessage(whole.subarray(0, 20))).toBeUndefined();
    expect(parseHttpMessage(whole.subarray(0, whole.length - 1))).toBeUndefined();
    const message = parseHttpMessage(whole)!;
    expect(message.startLine).toBe("POST /bot1:x/sendMessage HTTP/1.1");
    expect(message.headers.get("content-type")).toBe("application/json");
    expect(message.body.toString("utf8")).toBe('{"text":"Grüße"}');
    expect(message.length).toBe(whole.length);
  });

  it("reads two messages sent back to back, one after the other", () => {
    const both = Buffer.from(request("[1]") + request("[2,3]"));
    const first = parseHttpMessage(both)!;
    const second = parseHttpMessage(both.subarray(first.length))!;
    expect([first.body.toString(), second.body.toString()]).toEqual(["[1]", "[2,3]"]);
    expect(first.length + second.length).toBe(both.length);
  });

  it("reads a chunked body", () => {
    const chunked = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"ok\r\n5\r\n":1}x\r\n0\r\n\r\n',
    );
    expect(parseHttpMessage(chunked.subarray(0, chunked.length - 2))).toBeUndefined();
    expect(parseHttpMessage(chunked)!.body.toString()).toBe('{"ok":1}x');
  });
});

describe("createPoster", () => {
  it("posts over kept-alive connections and reads Node's answers, empty ones included", async () => {
    const seen: string[] = [];
    const sockets = new Set<unknown>();
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        seen.push(`${req.headers["x-secret"]} ${body}`);
        if (body === "{}") {
          res.writeHead(401).end("no");
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        // Written in two pieces: Node sends a chunked answer.
        res.write('{"method":');
        res.end('"answerCallbackQuery"}');
      });
    });
    servers.push(server);
    await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(null)));
    const { port } = server.address() as AddressInfo;
    const poster = createPoster(port, "/hook", { "x-secret": "s" });
    try {
      const answers = [];
      for (const body of ['{"update_id":1}', "{}", '{"update_id":2}'])
        answers.push(await poster.post(body));
      expect(answers.map((a) => [a.status, a.body])).toEqual([
        [200, '{"method":"answerCallbackQuery"}'],
        [401, "no"],
        [200, '{"method":"answerCallbackQuery"}'],
      ]);
      expect(answers[0]!.contentType).toBe("application/json");
      expect(seen).toEqual(['s {"update_id":1}', "s {}", 's {"update_id":2}']);
      // One after the other: one connection for all three.
      expect(sockets.size).toBe(1);
      // At the same time: more connections.
      await Promise.all([poster.post("[1]"), poster.post("[2]"), poster.post("[3]")]);
      expect(sockets.size).toBe(3);
    } finally {
      poster.close();
    }
  });
});
