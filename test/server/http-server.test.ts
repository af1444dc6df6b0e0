/** The webhook endpoint while the bot shuts down: updates in flight finish, new ones are refused. */
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { startHttpServer } from "../../src/server/http-server.js";

const SECRET = "secret-0123456789";

function request(updateId: number): string {
  const body = JSON.stringify({ update_id: updateId });
  return (
    `POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
    `X-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\nContent-Length: ${body.length}\r\n\r\n${body}`
  );
}

/** Collects what the socket receives until `text` has arrived (or the socket closes). */
function receive(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    const onData = (chunk: Buffer) => {
      got += chunk.toString();
      if (got.includes(text)) finish();
    };
    const finish = () => {
      socket.off("data", onData);
      socket.off("close", finish);
      resolve(got);
    };
    socket.on("data", onData);
    socket.on("close", finish);
  });
}

describe("the webhook endpoint while closing", () => {
  it("finishes the updates in flight and answers one that comes later on a busy connection with 503", async () => {
    const gates = new Map<number, () => void>();
    const started: number[] = [];
    const finished: number[] = [];
    const server = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      logger: createLogger("silent"),
      metrics: createMetrics(),
      health: async () => ({ ok: true, redis: "not used" }),
      webhook: {
        path: "/hook",
        secret: SECRET,
        handle: async (update) => {
          const id = (update as { update_id: number }).update_id;
          started.push(id);
          if (id < 3) await new Promise<void>((resolve) => gates.set(id, resolve));
          finished.push(id);
          return undefined;
        },
      },
    });
    const open = async () => {
      const socket = connect({ host: "127.0.0.1", port: server.port });
      await new Promise((resolve) => socket.once("connect", resolve));
      return socket;
    };
    const [a, b] = [await open(), await open()];
    const answerA = receive(a, "\r\n\r\n");
    const answerB = receive(b, "\r\n\r\n");
    a.write(request(1));
    b.write(request(2));
    while (gates.size < 2) await new Promise((r) => setTimeout(r, 10));

    let closed = false;
    const closing = server.close().then(() => (closed = true));
    // Update 2 is done; Telegram sends update 3 on the same connection while update 1 still runs.
    gates.get(2)!();
    expect(await answerB).toMatch(/^HTTP\/1\.1 200/);
    const answerC = receive(b, "shutting down");
    b.write(request(3));
    const third = await answerC;
    expect(third === "" || /^HTTP\/1\.1 503/.test(third)).toBe(true);
    expect(closed).toBe(false);
    gates.get(1)!();
    expect(await answerA).toMatch(/^HTTP\/1\.1 200/);
    await closing;
    // Update 3 was never taken in, so Telegram's resend of it is handled by the next process.
    expect(started).toEqual([1, 2]);
    expect(finished.sort()).toEqual([1, 2]);
    a.destroy();
    b.destroy();
  });
});
