/**
 * The playground's web side on 127.0.0.1: the page (plain HTML, CSS and JavaScript, no build
 * step), live updates as server-sent events, and a small JSON API to act as a parent or a
 * caseworker and to jump to any step.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import type { ContentSource } from "../bot/content-bundle.js";
import type { SessionStore } from "../storage/session-store.js";
import type { BotApiEmulator, StoredMessage, TgUser } from "../telegram-api/emulator.js";
import type { ContentStatus } from "./start-playground.js";

export interface PlaygroundWebOptions {
  readonly port: number;
  readonly emulator: BotApiEmulator;
  readonly content: ContentSource;
  readonly store: SessionStore;
  readonly groupId: number;
  readonly caseworkerId: number;
  readonly status: () => ContentStatus;
}

export interface PlaygroundWeb {
  readonly url: string;
  broadcast(event: string, data: unknown): void;
  close(): Promise<void>;
}

const STATIC: Record<string, string> = {
  "/": "index.html",
  "/app.js": "app.js",
  "/style.css": "style.css",
};
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};
/** The page's files: next to this module in src/, copied next to it in dist/ by the build. */
const PUBLIC = fileURLToPath(new URL("../../src/playground/public/", import.meta.url));

const parentSchema = (body: Record<string, unknown>): TgUser | undefined => {
  const user = body.user as Partial<TgUser> | undefined;
  if (!user || typeof user.id !== "number" || user.id <= 0 || user.id >= 1e12) return undefined;
  return {
    id: user.id,
    is_bot: false,
    first_name: String(user.first_name || "Elternteil").slice(0, 64),
    ...(typeof user.language_code === "string" &&
      user.language_code && { language_code: user.language_code.slice(0, 16) }),
  };
};

function view(message: StoredMessage, botId: number) {
  return {
    id: message.message_id,
    fromBot: message.from.id === botId,
    from: message.from.first_name,
    html: message.html ?? null,
    text:
      message.text ??
      message.caption ??
      (message.photo
        ? "[Foto]"
        : message.document
          ? "[Dokument]"
          : message.voice
            ? "[Sprachnachricht]"
            : ""),
    buttons: (
      (message.reply_markup?.inline_keyboard ?? []) as Array<
        Array<{ text: string; callback_data?: string }>
      >
    ).map((row) => row.map((b) => ({ text: b.text, data: b.callback_data ?? "" }))),
    edited: message.edited === true,
    deleted: message.deleted === true,
    thread: message.message_thread_id ?? null,
    date: message.date,
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error("too large");
    chunks.push(chunk as Buffer);
  }
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  if (parsed === null || typeof parsed !== "object") throw new Error("not an object");
  return parsed as Record<string, unknown>;
}

export async function startPlaygroundWeb(options: PlaygroundWebOptions): Promise<PlaygroundWeb> {
  const { emulator } = options;
  const clients = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of clients) client.write(frame);
  };
  const chatOf = (message: StoredMessage) => ({
    chat: message.chat.id,
    thread: message.message_thread_id ?? null,
  });
  emulator.on("message", (m: StoredMessage) => broadcast("chat", chatOf(m)));
  emulator.on("edit", (m: StoredMessage) => broadcast("chat", chatOf(m)));
  emulator.on("delete", (m: StoredMessage) => broadcast("chat", chatOf(m)));
  emulator.on("topic", () => broadcast("group", {}));
  emulator.on("violation", (violations: string[]) => broadcast("violation", { violations }));
  emulator.on("call", (call: { method: string; params: Record<string, unknown> }) => {
    if (call.method === "sendChatAction") broadcast("typing", { chat: call.params.chat_id });
  });

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
    });
    response.end(JSON.stringify(body));
  };

  const state = () => {
    const bundle = options.content.current();
    return {
      bot: { name: emulator.botUser.first_name, username: emulator.botUser.username },
      flows: [...bundle.content.flows.flows.values()].map((flow) => ({
        id: flow.id,
        start: flow.start,
        steps: [...flow.steps].map(([id, step]) => ({ id, kind: step.kind })),
      })),
      languages: [...bundle.content.languages].map(([code, l]) => ({
        code,
        name: l.name,
        dir: l.dir,
        status: l.status,
      })),
      content: options.status(),
      violations: emulator.violations.slice(-50),
      group: {
        id: options.groupId,
        title: emulator.chats.get(options.groupId)?.title ?? "",
        caseworker: options.caseworkerId,
      },
      topics: [...emulator.topics.values()].filter((t) => t.chatId === options.groupId),
    };
  };

  const api = async (path: string, body: Record<string, unknown>, response: ServerResponse) => {
    switch (path) {
      case "/api/send": {
        const user = parentSchema(body);
        const text = typeof body.text === "string" ? body.text.slice(0, 5000) : "";
        if (!user || !text.trim())
          return json(response, 400, { error: "user and text are needed" });
        emulator.createUser(user);
        await emulator.sendText(user, text);
        return json(response, 200, { ok: true });
      }
      case "/api/tap": {
        const user = parentSchema(body);
        const message = emulator.messages
          .get(Number(body.chat ?? user?.id))
          ?.find((m) => m.message_id === Number(body.message));
        if (!user || !message) return json(response, 400, { error: "unknown message" });
        await emulator.tap(user, message, String(body.data ?? ""));
        return json(response, 200, { ok: true });
      }
      case "/api/jump": {
        const user = parentSchema(body);
        if (!user || typeof body.step !== "string")
          return json(response, 400, { error: "user and step are needed" });
        emulator.createUser(user);
        await emulator.sendText(
          user,
          `/jump ${body.step}${typeof body.lang === "string" && body.lang ? ` ${body.lang}` : ""}`,
        );
        return json(response, 200, { ok: true });
      }
      case "/api/reset": {
        const user = parentSchema(body);
        if (!user) return json(response, 400, { error: "user is needed" });
        emulator.messages.delete(user.id);
        const begun = await options.store.begin({
          chatId: user.id,
          updateId: -Date.now(),
          rateLimit: { max: 1e9, windowSeconds: 1 },
        });
        if (begun.status === "ready") await options.store.finish(begun.lease, null, 1);
        broadcast("chat", { chat: user.id, thread: null });
        return json(response, 200, { ok: true });
      }
      case "/api/group/send": {
        const text = typeof body.text === "string" ? body.text.slice(0, 4000) : "";
        const thread = typeof body.thread === "number" ? body.thread : undefined;
        const caseworker = emulator.createUser({
          id: options.caseworkerId,
          first_name: "Sachbearbeitung",
          language_code: "de",
        });
        const group = emulator.chats.get(options.groupId);
        if (!group || !text.trim()) return json(response, 400, { error: "text is needed" });
        await emulator.sendText(caseworker, text, group, thread);
        return json(response, 200, { ok: true });
      }
      case "/api/group/tap": {
        const message = emulator.messages
          .get(options.groupId)
          ?.find((m) => m.message_id === Number(body.message));
        if (!message) return json(response, 400, { error: "unknown message" });
        const caseworker = emulator.createUser({
          id: options.caseworkerId,
          first_name: "Sachbearbeitung",
          language_code: "de",
        });
        await emulator.tap(caseworker, message, String(body.data ?? ""));
        return json(response, 200, { ok: true });
      }
      default:
        return json(response, 404, { error: "not found" });
    }
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    void (async () => {
      try {
        if (request.method === "GET" && STATIC[url.pathname]) {
          const file = STATIC[url.pathname]!;
          response.writeHead(200, {
            "content-type": TYPES[file.split(".").pop()!]!,
            "cache-control": "no-store",
          });
          return response.end(await readFile(`${PUBLIC}${file}`));
        }
        if (request.method === "GET" && url.pathname === "/events") {
          response.writeHead(200, {
            "content-type": "text/event-stream",
            "cache-control": "no-store",
            connection: "keep-alive",
          });
          response.write(`event: hello\ndata: {}\n\n`);
          clients.add(response);
          request.on("close", () => clients.delete(response));
          return;
        }
        if (request.method === "GET" && url.pathname === "/api/state")
          return json(response, 200, state());
        if (request.method === "GET" && url.pathname === "/api/chat") {
          const chat = Number(url.searchParams.get("chat"));
          const thread = url.searchParams.get("thread");
          const messages = (emulator.messages.get(chat) ?? []).filter(
            (m) => thread === null || String(m.message_thread_id ?? "") === thread,
          );
          return json(response, 200, {
            messages: messages.map((m) => view(m, emulator.botUser.id)),
          });
        }
        if (request.method === "POST" && url.pathname.startsWith("/api/")) {
          return await api(url.pathname, await readJson(request), response);
        }
        json(response, 404, { error: "not found" });
      } catch (error) {
        json(response, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(": ping\n\n");
  }, 15_000);
  heartbeat.unref();

  return {
    url: `http://localhost:${port}`,
    broadcast,
    async close() {
      clearInterval(heartbeat);
      for (const client of clients) client.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
