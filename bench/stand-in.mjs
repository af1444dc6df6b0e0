// The Bot API stand-in for the benchmark, in its own process so that its answers are never
// delayed by the load generator: it answers every call at once and reports each chat's latest
// keyboard to the load generator in batches.
import { createServer } from "node:http";

let messageId = 1;
let calls = 0;
let bytes = 0;
let keyboards = {};

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    const method = (req.url ?? "").split("/").pop() ?? "";
    calls++;
    bytes += text.length;
    let result = true;
    if (method === "getMe") {
      result = {
        id: 123456,
        is_bot: true,
        first_name: "Bench",
        username: "bench_bot",
        can_join_groups: false,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      };
    } else if (method === "sendMessage") {
      const params = JSON.parse(text);
      const chatId = Number(params.chat_id);
      const rows = params.reply_markup?.inline_keyboard;
      // The load taps what both bots offer: the flows' menus, back and main menu. The language
      // picker (1l), the request form for a person (1p, 1i…) are features the baseline lacks.
      if (rows)
        keyboards[chatId] = rows
          .flat()
          .map((b) => b.callback_data)
          .filter((data) => !/^1[lpi]/.test(data));
      result = {
        message_id: messageId++,
        date: 0,
        chat: { id: chatId, type: "private" },
        text: "x",
      };
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, result }));
  });
});

const flush = () => {
  process.send?.({ keyboards, calls, bytes });
  keyboards = {};
};
setInterval(flush, 2).unref();
process.on("message", (m) => {
  if (m === "flush") flush();
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.({ ready: true }));
