/** The lean HTTP transport grammY's client uses for every Bot API call. */
import { getEventListeners } from "node:events";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTransport } from "../../src/telegram-api/transport.js";

let server: Server;
let root = "";
const seen: Array<{ method: string; url: string; type: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        type: req.headers["content-type"] ?? "",
        body,
      });
      if (req.url?.includes("slow")) return void setTimeout(() => res.end("{}"), 2_000);
      res.writeHead(req.url?.includes("fail") ? 502 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, result: { echo: body } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  root = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("transport", () => {
  const fetch = createTransport();

  it("posts a JSON body and reads the JSON answer", async () => {
    const response = await fetch(`${root}/botX/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"chat_id":1,"text":"Grüße"}',
    });
    expect(response.ok).toBe(true);
    expect(await response.json()).toEqual({
      ok: true,
      result: { echo: '{"chat_id":1,"text":"Grüße"}' },
    });
    expect(seen.at(-1)).toMatchObject({
      method: "POST",
      url: "/botX/sendMessage",
      type: "application/json",
    });
  });

  it("streams a body given as an async iterable (file uploads)", async () => {
    async function* parts() {
      yield new TextEncoder().encode("teil 1, ");
      yield new TextEncoder().encode("teil 2");
    }
    const response = await fetch(`${root}/botX/sendDocument`, { method: "POST", body: parts() });
    expect(await response.json()).toEqual({ ok: true, result: { echo: "teil 1, teil 2" } });
  });

  it("lets go of the request once the call is over: no abort listener stays on the signal", async () => {
    const controller = new AbortController();
    const response = await fetch(`${root}/botX/getMe`, {
      method: "POST",
      body: "{}",
      signal: controller.signal,
    });
    expect(await response.json()).toMatchObject({ ok: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("reports the status of an error answer, and rejects on an abort or a refused connection", async () => {
    const failed = await fetch(`${root}/botX/fail`, { method: "POST", body: "{}" });
    expect([failed.status, failed.ok]).toEqual([502, false]);
    const controller = new AbortController();
    const slow = fetch(`${root}/botX/slow`, {
      method: "POST",
      body: "{}",
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(slow).rejects.toThrow("aborted");
    await expect(fetch("http://127.0.0.1:9/botX/getMe")).rejects.toThrow(/ECONNREFUSED/);
  });
});
