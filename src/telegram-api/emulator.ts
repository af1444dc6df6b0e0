/**
 * A local Bot API server on 127.0.0.1: it answers the methods the bot uses like Telegram does,
 * checks every call against the Bot API spec (a violation is answered 400, as Telegram would,
 * recorded and reported), and lets tests and the playground act as parents and caseworkers.
 * Updates go to the bot by long polling, or by POST to its webhook once it set one.
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { htmlToText } from "./html.js";
import { validateCall } from "./validate.js";

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: "private" | "group" | "supergroup";
  title?: string;
  first_name?: string;
  is_forum?: boolean;
}

export type Json = Record<string, unknown>;

/** A message as the emulator keeps it: what Telegram would hold, plus edits and deletion. */
export interface StoredMessage {
  message_id: number;
  chat: TgChat;
  from: TgUser;
  date: number;
  message_thread_id?: number;
  text?: string;
  /** The text as sent, with its HTML, for rendering in the playground. */
  html?: string;
  photo?: Json[];
  document?: Json;
  voice?: Json;
  caption?: string;
  reply_markup?: Json;
  edited?: boolean;
  deleted?: boolean;
  is_topic_message?: boolean;
  /** The message this one replies to (as Telegram delivers it). */
  reply_to_message?: Json;
  /** The chat a message is sent on behalf of (an anonymous group admin: the group itself). */
  sender_chat?: TgChat;
}

export interface RecordedCall {
  readonly method: string;
  readonly params: Json;
  readonly at: number;
  readonly violations: readonly string[];
  /** How the bot made the call: a request to the Bot API, or in the response to a webhook update. */
  readonly via: "request" | "webhook reply";
}

export interface Fault {
  readonly code: number;
  readonly description: string;
  readonly retryAfter?: number;
}

export interface EmulatorOptions {
  readonly token?: string;
  readonly port?: number;
  readonly bot?: Partial<TgUser>;
}

export interface WebhookTarget {
  readonly url: string;
  readonly secret?: string;
}

export interface ForumTopic {
  readonly chatId: number;
  readonly threadId: number;
  name: string;
  closed: boolean;
}

function now() {
  return Math.floor(Date.now() / 1000);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 20 * 1024 * 1024) throw new Error("request too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseParams(request: IncomingMessage, body: string, url: URL): Json {
  const params: Json = Object.fromEntries(url.searchParams);
  const type = request.headers["content-type"] ?? "";
  if (type.includes("application/json") && body) Object.assign(params, JSON.parse(body) as Json);
  else if (type.includes("application/x-www-form-urlencoded"))
    Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
  else if (type.includes("multipart/form-data")) {
    const boundary = /boundary=(.+)$/.exec(type)?.[1];
    for (const part of boundary ? body.split(`--${boundary}`) : []) {
      const name = /name="([^"]+)"/.exec(part)?.[1];
      if (!name) continue;
      const value = part.slice(part.indexOf("\r\n\r\n") + 4).replace(/\r\n$/, "");
      params[name] = /filename="/.test(part) ? { file: true } : value;
    }
  }
  // Form encodings carry JSON-serialized objects as strings, numbers as strings.
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string" && /^[[{]/.test(value)) {
      try {
        params[key] = JSON.parse(value);
      } catch {
        /* a text that starts with a bracket */
      }
    } else if (
      typeof value === "string" &&
      /^-?\d+$/.test(value) &&
      (key.endsWith("_id") || key === "offset" || key === "timeout" || key === "limit")
    ) {
      params[key] = Number(value);
    }
  }
  return params;
}

export class BotApiEmulator extends EventEmitter {
  readonly token: string;
  readonly botUser: TgUser;
  readonly calls: RecordedCall[] = [];
  readonly violations: string[] = [];
  readonly messages = new Map<number, StoredMessage[]>();
  readonly chats = new Map<number, TgChat>();
  readonly topics = new Map<string, ForumTopic>();
  /** Members of groups by chat id: user id → status. */
  readonly members = new Map<number, Map<number, string>>();
  readonly commands = new Map<string, Json[]>();
  readonly blockedBy = new Set<number>();
  webhook: WebhookTarget | undefined;

  private server: Server | undefined;
  private port: number;
  private nextUpdateId = 1;
  private nextMessageId = new Map<number, number>();
  private nextThreadId = 100;
  private pending: Json[] = [];
  private waiters: Array<() => void> = [];
  private faults = new Map<string, Fault[]>();
  private holds = new Map<string, Array<{ arrived: () => void; gate: Promise<void> }>>();
  private users = new Map<number, TgUser>();

  constructor(options: EmulatorOptions = {}) {
    super();
    this.token = options.token ?? "123456:TEST-emulator-token";
    this.port = options.port ?? 0;
    this.botUser = {
      id: Number(this.token.split(":")[0]),
      is_bot: true,
      first_name: "Familien-Assistent",
      username: "familien_assistent_bot",
      ...options.bot,
    };
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
    const address = this.server.address();
    if (address && typeof address === "object") this.port = address.port;
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.waiters.splice(0)) wake();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ── Acting as parents and caseworkers ───────────────────────────────────────────────────

  /** A parent (or caseworker) the emulator knows. */
  createUser(fields: Partial<TgUser> & { id: number }): TgUser {
    const user: TgUser = { is_bot: false, first_name: "Alex", ...fields };
    this.users.set(user.id, user);
    return user;
  }

  /** A group chat, optionally a forum, with its members. */
  createGroup(fields: {
    id: number;
    title: string;
    is_forum?: boolean;
    members?: Record<number, string>;
  }): TgChat {
    const chat: TgChat = {
      id: fields.id,
      type: "supergroup",
      title: fields.title,
      ...(fields.is_forum && { is_forum: true }),
    };
    this.chats.set(chat.id, chat);
    this.members.set(
      chat.id,
      new Map(Object.entries(fields.members ?? {}).map(([id, status]) => [Number(id), status])),
    );
    return chat;
  }

  privateChat(user: TgUser): TgChat {
    let chat = this.chats.get(user.id);
    if (!chat) {
      chat = { id: user.id, type: "private", first_name: user.first_name };
      this.chats.set(user.id, chat);
    }
    return chat;
  }

  private newMessageId(chatId: number): number {
    const id = this.nextMessageId.get(chatId) ?? 1;
    this.nextMessageId.set(chatId, id + 1);
    return id;
  }

  private store(message: StoredMessage): StoredMessage {
    const list = this.messages.get(message.chat.id) ?? [];
    list.push(message);
    this.messages.set(message.chat.id, list);
    this.emit("message", message);
    return message;
  }

  /** A message from a user, as Telegram would deliver it. Returns the update sent. */
  async sendMessage(
    user: TgUser,
    content: Partial<StoredMessage> & { chat?: TgChat },
    kind: "message" | "edited_message" = "message",
  ): Promise<Json> {
    const chat = content.chat ?? this.privateChat(user);
    const message = this.store({
      message_id: this.newMessageId(chat.id),
      date: now(),
      ...content,
      chat,
      from: user,
    });
    const payload: Json = { ...message };
    delete payload.html;
    if (message.text?.startsWith("/")) {
      const length = message.text.split(/\s/)[0]!.length;
      payload.entities = [{ type: "bot_command", offset: 0, length }];
    }
    return this.deliver({ [kind]: payload });
  }

  async sendText(user: TgUser, text: string, chat?: TgChat, threadId?: number): Promise<Json> {
    return this.sendMessage(user, {
      text,
      ...(chat && { chat }),
      ...(threadId !== undefined && { message_thread_id: threadId, is_topic_message: true }),
    });
  }

  /** A tap on an inline button of a message the bot sent. */
  async tap(
    user: TgUser,
    message: StoredMessage,
    data: string,
    target?: WebhookTarget,
  ): Promise<Json> {
    const payload: Json = { ...message };
    delete payload.html;
    return this.deliver(
      {
        callback_query: {
          id: `cq${this.nextUpdateId}`,
          from: user,
          message: payload,
          chat_instance: `ci${message.chat.id}`,
          data,
        },
      },
      target,
    );
  }

  /**
   * Any update (for kinds the helpers above do not cover). With `target`, it is posted to that
   * webhook instead of the one the bot set (several replicas behind one bot).
   */
  async deliver(update: Json, target?: WebhookTarget): Promise<Json> {
    const full = { update_id: this.nextUpdateId++, ...update };
    this.emit("update", full);
    const hook = target ?? this.webhook;
    if (hook) {
      await this.postWebhook(full, hook);
    } else {
      this.pending.push(full);
      for (const wake of this.waiters.splice(0)) wake();
    }
    return full;
  }

  /** Posts an update to a webhook, as Telegram does; resolves when the bot has answered the request. */
  async postWebhook(update: Json, hook: WebhookTarget): Promise<void> {
    try {
      const response = await fetch(hook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(hook.secret && { "x-telegram-bot-api-secret-token": hook.secret }),
        },
        body: JSON.stringify(update),
      });
      const body = await response.text();
      if (!response.ok) this.emit("webhook-error", response.status);
      // A webhook reply: one call in the response, performed as Telegram does (its result is lost).
      if (response.headers.get("content-type")?.startsWith("application/json") && body !== "") {
        const { method, ...params } = JSON.parse(body) as Json;
        if (typeof method === "string") await this.execute(method, params, "webhook reply");
        else this.emit("webhook-error", "webhook reply without a method");
      }
    } catch (error) {
      this.emit("webhook-error", error);
    }
  }

  /** The next call of `method` fails with this error (`times` times). */
  failNext(method: string, fault: Fault, times = 1): void {
    this.faults.set(method, [
      ...(this.faults.get(method) ?? []),
      ...Array.from({ length: times }, () => fault),
    ]);
  }

  /**
   * The next call of `method` is held before it is answered, as a slow network would hold it:
   * `reached` resolves when the call has arrived, `release` lets it be answered.
   */
  holdNext(method: string): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let arrived!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    this.holds.set(method, [...(this.holds.get(method) ?? []), { arrived, gate }]);
    return { reached, release };
  }

  /** Messages the bot sent to a chat (current state: edits applied, deletions marked). */
  botMessages(chatId: number, threadId?: number): StoredMessage[] {
    return (this.messages.get(chatId) ?? []).filter(
      (m) =>
        m.from.id === this.botUser.id &&
        (threadId === undefined || m.message_thread_id === threadId),
    );
  }

  /** Resolves when `predicate` holds for the recorded calls, or rejects after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error("timed out waiting for the bot");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  // ── The Bot API ─────────────────────────────────────────────────────────────────────────

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const reply = (status: number, body: Json) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: "Not Found" });
    if (match[1] !== this.token)
      return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2]!;
    let params: Json;
    try {
      params = parseParams(request, await readBody(request), url);
    } catch {
      return reply(400, {
        ok: false,
        error_code: 400,
        description: "Bad Request: can't parse request",
      });
    }
    const { status, body } = await this.execute(method, params, "request");
    reply(status, body);
  }

  /** One Bot API call, checked against the spec and recorded: the HTTP status and the answer. */
  private async execute(
    method: string,
    params: Json,
    via: RecordedCall["via"],
  ): Promise<{ status: number; body: Json }> {
    const reply = (status: number, body: Json) => ({ status, body });
    const violations = validateCall(method, params);
    const call: RecordedCall = { method, params, at: Date.now(), violations, via };
    this.calls.push(call);
    this.emit("call", call);
    if (violations.length > 0) {
      this.violations.push(...violations);
      this.emit("violation", violations, call);
      return reply(400, {
        ok: false,
        error_code: 400,
        description: `Bad Request: ${violations.join("; ")}`,
      });
    }
    const hold = this.holds.get(method)?.shift();
    if (hold) {
      hold.arrived();
      await hold.gate;
    }
    const fault = this.faults.get(method)?.shift();
    if (fault) {
      return reply(fault.code, {
        ok: false,
        error_code: fault.code,
        description: fault.description,
        ...(fault.retryAfter !== undefined && { parameters: { retry_after: fault.retryAfter } }),
      });
    }
    const chatId = typeof params.chat_id === "number" ? params.chat_id : Number(params.chat_id);
    if (Number.isFinite(chatId) && this.blockedBy.has(chatId)) {
      return reply(403, {
        ok: false,
        error_code: 403,
        description: "Forbidden: bot was blocked by the user",
      });
    }
    try {
      const result = await this.answer(method, params);
      if (result instanceof Error)
        return reply(400, { ok: false, error_code: 400, description: result.message });
      return reply(200, { ok: true, result });
    } catch (error) {
      return reply(500, {
        ok: false,
        error_code: 500,
        description: `Internal Server Error: ${String(error)}`,
      });
    }
  }

  private chatFor(params: Json): TgChat {
    const id = Number(params.chat_id);
    return this.chats.get(id) ?? { id, type: id < 0 ? "supergroup" : "private" };
  }

  private findMessage(params: Json): StoredMessage | undefined {
    return (this.messages.get(Number(params.chat_id)) ?? []).find(
      (m) => m.message_id === Number(params.message_id),
    );
  }

  private botMessage(params: Json, fields: Partial<StoredMessage>): StoredMessage {
    const chat = this.chatFor(params);
    return this.store({
      message_id: this.newMessageId(chat.id),
      date: now(),
      chat,
      from: this.botUser,
      ...(params.message_thread_id !== undefined && {
        message_thread_id: Number(params.message_thread_id),
        is_topic_message: true,
      }),
      ...(params.reply_markup !== undefined && { reply_markup: params.reply_markup as Json }),
      ...fields,
    });
  }

  /** An edit replaces the keyboard (or removes it when none is given), as Telegram does. */
  private editMarkup(message: StoredMessage, params: Json): StoredMessage {
    if (params.reply_markup !== undefined) message.reply_markup = params.reply_markup as Json;
    else delete message.reply_markup;
    this.emit("edit", message);
    return message;
  }

  private async answer(method: string, params: Json): Promise<unknown> {
    switch (method) {
      case "getMe":
        return {
          ...this.botUser,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case "getUpdates":
        return this.getUpdates(params);
      case "setWebhook":
        this.webhook = {
          url: String(params.url),
          ...(params.secret_token !== undefined && { secret: String(params.secret_token) }),
        };
        return true;
      case "deleteWebhook":
        this.webhook = undefined;
        return true;
      case "getWebhookInfo":
        return {
          url: this.webhook?.url ?? "",
          has_custom_certificate: false,
          pending_update_count: this.pending.length,
        };
      case "setMyCommands":
        this.commands.set(String(params.language_code ?? ""), params.commands as Json[]);
        return true;
      case "sendMessage": {
        const html = String(params.text);
        return this.botMessage(params, {
          text: params.parse_mode === "HTML" ? htmlToText(html) : html,
          html,
        });
      }
      case "copyMessage": {
        const source = (this.messages.get(Number(params.from_chat_id)) ?? []).find(
          (m) => m.message_id === Number(params.message_id),
        );
        if (!source) return new Error("Bad Request: message to copy not found");
        const copy = this.botMessage(params, {
          ...(source.text !== undefined && { text: source.text, html: source.html ?? source.text }),
          ...(source.photo && { photo: source.photo }),
          ...(source.document && { document: source.document }),
          ...(source.voice && { voice: source.voice }),
          ...(source.caption !== undefined && { caption: source.caption }),
        });
        return { message_id: copy.message_id };
      }
      case "editMessageText": {
        const message = this.findMessage(params);
        if (!message) return new Error("Bad Request: message to edit not found");
        const html = String(params.text);
        Object.assign(message, {
          text: params.parse_mode === "HTML" ? htmlToText(html) : html,
          html,
          edited: true,
        });
        return this.editMarkup(message, params);
      }
      case "editMessageReplyMarkup": {
        const message = this.findMessage(params);
        if (!message) return new Error("Bad Request: message to edit not found");
        return this.editMarkup(message, params);
      }
      case "deleteMessage": {
        const message = this.findMessage(params);
        if (!message) return new Error("Bad Request: message to delete not found");
        message.deleted = true;
        this.emit("delete", message);
        return true;
      }
      case "getChat": {
        const chat = this.chats.get(Number(params.chat_id));
        return chat
          ? { ...chat, accepted_gift_types: {}, max_reaction_count: 11, accent_color_id: 0 }
          : new Error("Bad Request: chat not found");
      }
      case "getChatMember": {
        const status =
          this.members.get(Number(params.chat_id))?.get(Number(params.user_id)) ?? "left";
        const user =
          Number(params.user_id) === this.botUser.id
            ? this.botUser
            : (this.users.get(Number(params.user_id)) ?? {
                id: Number(params.user_id),
                is_bot: false,
                first_name: "?",
              });
        return status === "administrator"
          ? {
              status,
              user,
              can_be_edited: false,
              is_anonymous: false,
              can_manage_chat: true,
              can_delete_messages: true,
              can_manage_video_chats: false,
              can_restrict_members: false,
              can_promote_members: false,
              can_change_info: false,
              can_invite_users: true,
              can_post_stories: false,
              can_edit_stories: false,
              can_delete_stories: false,
              can_manage_topics: true,
            }
          : { status, user };
      }
      case "createForumTopic": {
        const chat = this.chats.get(Number(params.chat_id));
        if (!chat?.is_forum) return new Error("Bad Request: the chat is not a forum");
        const threadId = this.nextThreadId++;
        const topic: ForumTopic = {
          chatId: chat.id,
          threadId,
          name: String(params.name),
          closed: false,
        };
        this.topics.set(`${chat.id}:${threadId}`, topic);
        this.emit("topic", topic);
        return { message_thread_id: threadId, name: topic.name, icon_color: 7322096 };
      }
      case "deleteForumTopic": {
        const key = `${Number(params.chat_id)}:${Number(params.message_thread_id)}`;
        const topic = this.topics.get(key);
        if (!topic) return new Error("Bad Request: topic not found");
        this.topics.delete(key);
        for (const message of this.messages.get(topic.chatId) ?? [])
          if (message.message_thread_id === topic.threadId) message.deleted = true;
        this.emit("topic", { ...topic, closed: true });
        return true;
      }
      case "deleteMessages": {
        const ids = new Set((params.message_ids as number[] | undefined) ?? []);
        for (const message of this.messages.get(Number(params.chat_id)) ?? [])
          if (ids.has(message.message_id)) {
            message.deleted = true;
            this.emit("delete", message);
          }
        return true;
      }
      case "closeForumTopic":
      case "reopenForumTopic":
      case "editForumTopic": {
        const topic = this.topics.get(
          `${Number(params.chat_id)}:${Number(params.message_thread_id)}`,
        );
        if (!topic) return new Error("Bad Request: topic not found");
        if (method === "closeForumTopic") topic.closed = true;
        if (method === "reopenForumTopic") topic.closed = false;
        if (method === "editForumTopic" && params.name !== undefined)
          topic.name = String(params.name);
        this.emit("topic", topic);
        return true;
      }
      default:
        // Every other valid method (answerCallbackQuery, sendChatAction, setMyDescription, …).
        return true;
    }
  }

  private async getUpdates(params: Json): Promise<Json[]> {
    const offset = Number(params.offset ?? 0);
    if (offset > 0) this.pending = this.pending.filter((u) => Number(u.update_id) >= offset);
    const limit = Number(params.limit ?? 100);
    if (this.pending.length === 0 && Number(params.timeout ?? 0) > 0 && this.server) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(Number(params.timeout), 50) * 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.pending.slice(0, limit);
  }
}
