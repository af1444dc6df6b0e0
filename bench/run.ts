/**
 * `npm run bench`: this bot against a minimal grammY baseline, both in webhook mode on real Redis,
 * with a local Bot API stand-in that answers instantly. Each bot runs in its own process, so its
 * CPU time and memory are its own. The load is posted over keep-alive sockets with a lean client
 * (bench/http-load.ts), so that the generator takes little of the two cores from the bot.
 *
 *   closed loop (each chat sends its next update when the previous one is answered): 1, 50, 500 chats
 *   open loop: 1,000 updates/s spread over 10,000 chats: p50/p99 handling latency
 *   one chat's 1st vs 200th update; Redis bytes per session; RSS idle and peak
 *
 * The bots run side by side, each on a Redis of its own, and take turns in rounds (who goes first
 * swaps every round); the table shows each figure's median over the rounds.
 *
 * Options: --seconds N (per closed-loop and open-loop run, default 8), --rounds N (default 3),
 * --only ours|baseline, --profile DIR.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createPoster } from "./http-load.js";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
    /** Write a V8 CPU profile of each bot process into this directory. */
    profile: { type: "string" },
  },
});
const RUN_SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const TOKEN = "123456:BENCH-token";
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"]).stdout.toString().trim() || 100);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

// ── The Bot API stand-in (bench/stand-in.ts, its own process): each chat's latest keyboard ─

const keyboards = new Map<number, string[]>();
let apiCalls = 0;
let apiBytes = 0;

async function startStandIn(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/stand-in.ts"], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve) => {
    child.on(
      "message",
      (m: {
        ready?: boolean;
        keyboards?: Record<string, string[]>;
        calls?: number;
        bytes?: number;
      }) => {
        if (m.ready) resolve();
        if (m.keyboards)
          for (const [chat, keys] of Object.entries(m.keyboards)) keyboards.set(Number(chat), keys);
        if (m.calls !== undefined) apiCalls = m.calls;
        if (m.bytes !== undefined) apiBytes = m.bytes;
      },
    );
  });
  return child;
}

// ── Load: updates posted to the bot's webhook ───────────────────────────────────────────────

let updateId = 1;
let webhookReplies = 0;
/** Per bot (by port): updates it did not accept (an answer other than 2xx). */
const refused = new Map<number, number>();
const posters = new Map<number, ReturnType<typeof createPoster>>();

/** Posts an update to a bot's webhook; resolves with the time to its answer in ms. */
async function post(port: number, update: object): Promise<number> {
  let poster = posters.get(port);
  if (!poster) {
    poster = createPoster(port, "/telegram/updates", {
      "content-type": "application/json",
      "x-telegram-bot-api-secret-token": "bench-secret-0123456789",
    });
    posters.set(port, poster);
  }
  const answer = await poster.post(JSON.stringify(update));
  if (answer.status >= 300) refused.set(port, (refused.get(port) ?? 0) + 1);
  // A webhook reply (a Bot API call in the response body) counts as a call, as Telegram makes it.
  if (answer.contentType.startsWith("application/json") && answer.body.includes('"method"'))
    webhookReplies++;
  return answer.ms;
}

const steps = new Map<number, number>();

/** The next update of a chat: /start first, then taps on its latest keyboard. */
function nextUpdate(chatId: number): object {
  const n = steps.get(chatId) ?? 0;
  steps.set(chatId, n + 1);
  const from = { id: chatId, is_bot: false, first_name: "P", language_code: "de" };
  const chat = { id: chatId, type: "private", first_name: "P" };
  const keyboard = keyboards.get(chatId);
  if (n === 0 || !keyboard || keyboard.length === 0) {
    return {
      update_id: updateId++,
      message: {
        message_id: updateId,
        date: 0,
        chat,
        from,
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    };
  }
  const data = keyboard[(n * 7 + chatId) % keyboard.length]!;
  return {
    update_id: updateId++,
    callback_query: {
      id: String(updateId),
      from,
      message: { message_id: 1, date: 0, chat, text: "x" },
      chat_instance: "c",
      data,
    },
  };
}

// ── Measuring the bot process ───────────────────────────────────────────────────────────────

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

async function closedLoop(
  port: number,
  pid: number,
  chats: number,
  seconds: number,
  firstChat: number,
) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const callsBefore = apiCalls + webhookReplies;
  const bytesBefore = apiBytes;
  const repliesBefore = webhookReplies;
  const cpuBefore = cpuSeconds(pid);
  const started = Date.now();
  await Promise.all(
    Array.from({ length: chats }, async (_, i) => {
      const chatId = firstChat + i;
      while (Date.now() < deadline) {
        await post(port, nextUpdate(chatId));
        done++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  return {
    rate: done / elapsed,
    cpuPerUpdateUs: (cpu / done) * 1e6,
    callsPerUpdate: (apiCalls + webhookReplies - callsBefore) / done,
    repliesPerUpdate: (webhookReplies - repliesBefore) / done,
    bytesPerUpdate: (apiBytes - bytesBefore) / done,
  };
}

/** The bot's own handling-time histogram (`/metrics`), where it has one: bucket bound → count. */
async function handlingBuckets(port: number): Promise<Map<string, number> | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
  if (!response?.ok) return undefined;
  const buckets = new Map<string, number>();
  for (const [, le, n] of (await response.text()).matchAll(
    /^bot_update_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm,
  ))
    buckets.set(le!, Number(n));
  return buckets.size > 0 ? buckets : undefined;
}

/** The share of updates handled within 5, 10, 15 and 25 ms between two readings of the histogram. */
function withinBuckets(
  before: Map<string, number> | undefined,
  after: Map<string, number> | undefined,
): string | undefined {
  if (!before || !after) return undefined;
  const count = (le: string) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const all = count("+Inf");
  if (all === 0) return undefined;
  return ["0.005", "0.01", "0.015", "0.025"]
    .map((le) => `${((count(le) / all) * 100).toFixed(1)}% within ${Number(le) * 1000} ms`)
    .join(", ");
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function openLoop(
  port: number,
  pid: number,
  perSecond: number,
  chats: number,
  seconds: number,
  firstChat: number,
) {
  const latencies: number[] = [];
  const pending: Array<Promise<void>> = [];
  const total = perSecond * seconds;
  const cpuBefore = cpuSeconds(pid);
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const chatId = firstChat + (i % chats);
    pending.push(post(port, nextUpdate(chatId)).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);
  const elapsed = (Date.now() - started) / 1000;
  const cpuPerUpdateUs = ((cpuSeconds(pid) - cpuBefore) / total) * 1e6;
  latencies.sort((a, b) => a - b);
  return {
    sent: total / elapsed,
    cpuPerUpdateUs,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.at(-1)!,
  };
}

async function firstVersus200th(port: number, chats: number, firstChat: number) {
  const byPosition: number[][] = Array.from({ length: 200 }, () => []);
  for (let c = 0; c < chats; c++) {
    for (let n = 0; n < 200; n++) byPosition[n]!.push(await post(port, nextUpdate(firstChat + c)));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    first: median(byPosition[0]!),
    second: median(byPosition[1]!),
    early: mean(byPosition.slice(1, 11).map(median)),
    late: mean(byPosition.slice(190, 200).map(median)),
    last: median(byPosition[199]!),
  };
}

async function bytesPerSession(redisUrl: string, pattern: string) {
  const redis = new Redis(redisUrl);
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0" && keys.length < 500);
  const sample = keys.slice(0, 300);
  let memory = 0;
  let value = 0;
  for (const key of sample) {
    memory += Number(await redis.memory("USAGE", key, "SAMPLES", "0"));
    value += await redis.strlen(key);
  }
  redis.disconnect();
  return { keys: sample.length, memory: memory / sample.length, value: value / sample.length };
}

// ── The run ─────────────────────────────────────────────────────────────────────────────────

/** The Node.js flags of the Docker image's CMD, so that the bot is measured as it runs in production. */
function productionNodeFlags(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync("Dockerfile", "utf8"));
  if (!cmd) throw new Error("Dockerfile has no CMD in exec form");
  return (JSON.parse(cmd[1]!) as string[]).filter((part) => part.startsWith("--"));
}

async function startTarget(
  file: string,
  env: Record<string, string>,
  nodeFlags: string[],
): Promise<{ child: ChildProcess; port: number }> {
  const profile = args.profile ? [`--cpu-prof`, `--cpu-prof-dir=${args.profile}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      ...nodeFlags,
      ...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
      file,
    ],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.on("message", (m: { port?: number }) => m.port && resolve(m.port));
    child.on("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { child, port };
}

interface Target {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly redisUrl: string;
  readonly pattern: string;
  readonly idleRss: number;
}

interface Round {
  closed: Array<{
    chats: number;
    rate: number;
    cpuPerUpdateUs: number;
    callsPerUpdate: number;
    repliesPerUpdate: number;
    bytesPerUpdate: number;
  }>;
  open: Awaited<ReturnType<typeof openLoop>>;
}

interface Result {
  name: string;
  rounds: Round[];
  positions: Awaited<ReturnType<typeof firstVersus200th>>;
  bytes: Awaited<ReturnType<typeof bytesPerSession>>;
  idleRss: number;
  peakRss: number;
  refused: number;
}

/** A Redis server of the bot's own, so that neither bot's keys or commands weigh on the other. */
async function startRedis(): Promise<{ url: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (up) return { url, server };
    if (tries > 50) throw new Error("redis-server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startBot(
  name: string,
  file: string,
  redisUrl: string,
  pattern: string,
  standInPort: number,
  nodeFlags: string[] = [],
): Promise<Target> {
  const { child, port } = await startTarget(
    file,
    {
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${standInPort}`,
      REDIS_URL: redisUrl,
      WEBHOOK_URL: `https://bench.invalid/telegram/updates`,
      WEBHOOK_SECRET: "bench-secret-0123456789",
      PORT: String(await freePort()),
      LOG_LEVEL: "warn",
    },
    nodeFlags,
  );
  await new Promise((r) => setTimeout(r, 1500));
  return {
    name,
    child,
    pid: child.pid!,
    port,
    redisUrl,
    pattern,
    idleRss: memoryMb(child.pid!).rss,
  };
}

/** One round for one bot: the closed loops at 1, 50 and 500 chats, then the open loop. */
async function round(target: Target, index: number, firstChat: number): Promise<Round> {
  const { name, port, pid } = target;
  const closed = [];
  for (const [i, chats] of [1, 50, 500].entries()) {
    const result = await closedLoop(port, pid, chats, RUN_SECONDS, firstChat + i * 1_000);
    console.log(
      `${name} (round ${index + 1}): ${chats} chats → ${result.rate.toFixed(0)} updates/s, ${result.cpuPerUpdateUs.toFixed(0)} µs CPU/update, ${result.callsPerUpdate.toFixed(2)} API calls/update (${result.repliesPerUpdate.toFixed(2)} as webhook replies)`,
    );
    closed.push({ chats, ...result });
  }
  const bucketsBefore = await handlingBuckets(port);
  const open = await openLoop(port, pid, 1000, 10_000, RUN_SECONDS, firstChat + 10_000);
  const inside = withinBuckets(bucketsBefore, await handlingBuckets(port));
  console.log(
    `${name} (round ${index + 1}): open loop ${open.sent.toFixed(0)}/s, ${open.cpuPerUpdateUs.toFixed(0)} µs CPU/update → p50 ${open.p50.toFixed(2)} ms, p90 ${open.p90.toFixed(2)} ms, p99 ${open.p99.toFixed(2)} ms, max ${open.max.toFixed(1)} ms${inside ? `; inside the bot: ${inside}` : ""}`,
  );
  return { closed, open };
}

// Both bots run from the compiled build, as in production (node dist/main.js).
const built = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
if (built.status !== 0) throw new Error("npm run build failed");

const standInPort = await freePort();
const standIn = await startStandIn(standInPort);
const redisServers: ChildProcess[] = [];
const targets: Target[] = [];
const results: Result[] = [];
try {
  const specs = [
    {
      name: "ours",
      file: "bench/targets/ours.mjs",
      pattern: "sp:*:sess",
      flags: productionNodeFlags(),
    },
    { name: "baseline", file: "bench/targets/baseline.mjs", pattern: "*", flags: [] },
  ].filter((spec) => !args.only || spec.name === args.only);
  for (const spec of specs) {
    const redis = await startRedis();
    redisServers.push(redis.server);
    targets.push(
      await startBot(spec.name, spec.file, redis.url, spec.pattern, standInPort, spec.flags),
    );
  }
  for (const [t, target] of targets.entries()) {
    console.log(`${target.name}: warming up`);
    await closedLoop(target.port, target.pid, 50, 3, 1_000_000 + t * 100_000);
  }
  // The bots take turns, and swap who goes first every round: a machine whose speed drifts
  // during the run weighs on both alike. The table shows each figure's median over the rounds.
  const rounds = new Map<string, Round[]>(targets.map((target) => [target.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const t = targets.indexOf(target);
      rounds.get(target.name)!.push(await round(target, r, 2_000_000 + (t * ROUNDS + r) * 100_000));
    }
  }
  for (const [t, target] of targets.entries()) {
    const positions = await firstVersus200th(target.port, 20, 9_000_000 + t * 100_000);
    results.push({
      name: target.name,
      rounds: rounds.get(target.name)!,
      positions,
      bytes: await bytesPerSession(target.redisUrl, target.pattern),
      idleRss: target.idleRss,
      peakRss: memoryMb(target.pid).peak,
      refused: refused.get(target.port) ?? 0,
    });
  }
} finally {
  for (const target of targets) target.child.kill("SIGTERM");
  await Promise.all(
    targets.map(
      (target) =>
        new Promise((r) =>
          target.child.exitCode !== null ? r(null) : target.child.once("exit", r),
        ),
    ),
  );
  standIn.kill("SIGTERM");
  for (const poster of posters.values()) poster.close();
  for (const server of redisServers) server.kill("SIGKILL");
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const f = (n: number, d = 0) => n.toFixed(d);
console.log(
  `\n## Benchmark (${new Date().toISOString().slice(0, 10)}, ${RUN_SECONDS} s per closed-loop and open-loop run, ${ROUNDS} rounds, the bots taking turns; medians of the rounds)\n`,
);
console.log(
  `ours runs with the Docker image's Node.js flags (${productionNodeFlags().join(" ") || "none"}), the baseline with Node.js defaults.\n`,
);
console.log(
  `| | ${results.map((r) => r.name).join(" | ")} |${results.length === 2 ? " ours / baseline |" : ""}`,
);
console.log(`|---|${results.map(() => "---").join("|")}|${results.length === 2 ? "---|" : ""}`);
const row = (label: string, values: number[], digits = 0) =>
  console.log(
    `| ${label} | ${values.map((v) => f(v, digits)).join(" | ")} |${values.length === 2 ? ` ${values[1] === 0 ? "—" : f(values[0]! / values[1]!, 2)} |` : ""}`,
  );
for (const [i, chats] of [1, 50, 500].entries()) {
  row(
    `closed loop, ${chats} chat${chats > 1 ? "s" : ""}: updates/s`,
    results.map((r) => median(r.rounds.map((x) => x.closed[i]!.rate))),
  );
  row(
    `closed loop, ${chats} chat${chats > 1 ? "s" : ""}: CPU µs/update`,
    results.map((r) => median(r.rounds.map((x) => x.closed[i]!.cpuPerUpdateUs))),
  );
  row(
    `closed loop, ${chats} chat${chats > 1 ? "s" : ""}: Bot API calls/update`,
    results.map((r) => median(r.rounds.map((x) => x.closed[i]!.callsPerUpdate))),
    2,
  );
  row(
    `closed loop, ${chats} chat${chats > 1 ? "s" : ""}: of these in the webhook reply`,
    results.map((r) => median(r.rounds.map((x) => x.closed[i]!.repliesPerUpdate))),
    2,
  );
}
row(
  "open loop 1,000/s over 10,000 chats: achieved/s",
  results.map((r) => median(r.rounds.map((x) => x.open.sent))),
);
row(
  "open loop: CPU µs/update",
  results.map((r) => median(r.rounds.map((x) => x.open.cpuPerUpdateUs))),
);
row(
  "open loop: p50 ms",
  results.map((r) => median(r.rounds.map((x) => x.open.p50))),
  2,
);
row(
  "open loop: p90 ms",
  results.map((r) => median(r.rounds.map((x) => x.open.p90))),
  2,
);
row(
  "open loop: p99 ms",
  results.map((r) => median(r.rounds.map((x) => x.open.p99))),
  2,
);
row(
  "open loop: p99 ms, best round",
  results.map((r) => Math.min(...r.rounds.map((x) => x.open.p99))),
  2,
);
row(
  "open loop: p99 ms, worst round",
  results.map((r) => Math.max(...r.rounds.map((x) => x.open.p99))),
  2,
);
row(
  "one chat: 1st update ms (median of 20 chats)",
  results.map((r) => r.positions.first),
  2,
);
row(
  "one chat: 2nd update ms",
  results.map((r) => r.positions.second),
  2,
);
row(
  "one chat: updates 2–11 ms",
  results.map((r) => r.positions.early),
  2,
);
row(
  "one chat: updates 191–200 ms",
  results.map((r) => r.positions.late),
  2,
);
row(
  "one chat: 200th update ms",
  results.map((r) => r.positions.last),
  2,
);
row(
  "Redis bytes per session (MEMORY USAGE)",
  results.map((r) => r.bytes.memory),
);
row(
  "Redis bytes per session (value length)",
  results.map((r) => r.bytes.value),
);
row(
  "updates not accepted (answer other than 2xx)",
  results.map((r) => r.refused),
);
row(
  "RSS idle MB",
  results.map((r) => r.idleRss),
  1,
);
row(
  "RSS peak MB",
  results.map((r) => r.peakRss),
  1,
);

// ── Free-text questions: answer time with every language loaded ──────────────────────────────
{
  const { loadContent } = await import("../src/flow-files/load.js");
  const { createContentBundle } = await import("../src/bot/content-bundle.js");
  const { evaluate, loadQuestions } = await import("../src/search/evaluate.js");
  const bundle = createContentBundle((await loadContent(process.cwd())).content);
  const questions = await loadQuestions("test/fixtures/questions.yaml");
  const rounds = Array.from({ length: 5 }, () => evaluate(bundle.search, questions));
  const p99 = rounds.map((r) => r.p99Ms).sort((a, b) => a - b)[2]!;
  console.log(
    `\nFree-text search (${bundle.languages.size} languages loaded, ${questions.length} questions, median of 5 rounds): p99 ${p99.toFixed(2)} ms per question (target ≤ 5 ms).`,
  );
}
