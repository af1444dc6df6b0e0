/**
 * The Bot API stand-in for the benchmark, in its own process so that its answers are never
 * delayed by the load generator: it answers every call at once and reports each chat's latest
 * keyboard to the load generator in batches. It reads requests with the benchmark's own HTTP/1.1
 * parser on plain sockets: Node's HTTP server would cost it about as much CPU per call as a bot
 * spends on a whole update, and on two cores that would sit in both bots' latencies.
 */
import { createServer, type Socket } from "node:net";
import { parseHttpMessage } from "./http-load.js";

let messageId = 1;
let calls = 0;
let bytes = 0;
let keyboards: Record<number, string[]> = {};

const BOT_INFO = {
  id: 123456,
  is_bot: true,
  first_name: "Bench",
  username: "bench_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

/** The `result` of a call: what Telegram would answer, as far as the bots read it. */
function answer(method: string, body: string): unknown {
  if (method === "getMe") return BOT_INFO;
  if (method !== "sendMessage") return true;
  const params = JSON.parse(body) as {
    chat_id: number | string;
    reply_markup?: { inline_keyboard?: Array<Array<{ callback_data?: string }>> };
  };
  const chatId = Number(params.chat_id);
  const rows = params.reply_markup?.inline_keyboard;
  // The load taps what both bots offer: the flows' menus, back and main menu. The language
  // picker (1l), the request form for a person (1p, 1i…) are features the baseline lacks.
  if (rows)
    keyboards[chatId] = rows
      .flat()
      .map((b) => b.callback_data ?? "")
      .filter((data) => data !== "" && !/^1[lpi]/.test(data));
  return { message_id: messageId++, date: 0, chat: { id: chatId, type: "private" }, text: "x" };
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let buffered: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    let out = "";
    for (let request = parseHttpMessage(buffered); request; request = parseHttpMessage(buffered)) {
      buffered = buffered.subarray(request.length);
      const path = request.startLine.split(" ")[1] ?? "";
      const method = path.split("/").pop() ?? "";
      const body = request.body.toString("utf8");
      calls++;
      bytes += body.length;
      const json = JSON.stringify({ ok: true, result: answer(method, body) });
      out +=
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n" +
        `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
    }
    if (out) socket.write(out);
  });
  socket.on("error", () => socket.destroy());
}

const flush = () => {
  process.send?.({ keyboards, calls, bytes });
  keyboards = {};
};
// The generator needs a chat's keyboard before that chat's next update, which in the open loop
// comes seconds later; in the closed loops a keyboard one or two updates old is as good.
setInterval(flush, 20).unref();
createServer(serve).listen(Number(process.env.PORT), "127.0.0.1", () =>
  process.send?.({ ready: true }),
);
