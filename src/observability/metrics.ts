/** Prometheus metrics, in the text exposition format, without a client library. */

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  updateHandled(seconds: number, kind: string): void;
  error(kind: string): void;
  redisError(): void;
  /** A chat was active now (for the active-sessions gauge). */
  chatActive(chatId: number): void;
  render(): string;
}

/** Sessions seen in this window count as active. */
const ACTIVE_WINDOW_MS = 15 * 60_000;

export function createMetrics(now: () => number = Date.now): Metrics {
  const updates = new Map<string, number>();
  const errors = new Map<string, number>();
  let redisErrors = 0;
  const buckets = new Array<number>(BUCKETS.length).fill(0);
  let sum = 0;
  let count = 0;
  const active = new Map<number, number>();

  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  return {
    updateHandled(seconds, kind) {
      bump(updates, kind);
      sum += seconds;
      count++;
      for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) buckets[i]!++;
    },
    error(kind) {
      bump(errors, kind);
    },
    redisError() {
      redisErrors++;
    },
    chatActive(chatId) {
      active.delete(chatId);
      active.set(chatId, now());
      // Oldest first (insertion order): drop what left the window.
      const cutoff = now() - ACTIVE_WINDOW_MS;
      for (const [id, at] of active) {
        if (at >= cutoff) break;
        active.delete(id);
      }
    },
    render() {
      const cutoff = now() - ACTIVE_WINDOW_MS;
      const activeCount = [...active.values()].filter((at) => at >= cutoff).length;
      const lines = [
        "# HELP bot_updates_total Updates handled, by kind.",
        "# TYPE bot_updates_total counter",
        ...[...updates].map(([kind, n]) => `bot_updates_total{kind="${kind}"} ${n}`),
        "# HELP bot_errors_total Errors while handling updates, by kind.",
        "# TYPE bot_errors_total counter",
        ...[...errors].map(([kind, n]) => `bot_errors_total{kind="${kind}"} ${n}`),
        "# HELP bot_update_duration_seconds Time to handle one update.",
        "# TYPE bot_update_duration_seconds histogram",
        ...BUCKETS.map((le, i) => `bot_update_duration_seconds_bucket{le="${le}"} ${buckets[i]}`),
        `bot_update_duration_seconds_bucket{le="+Inf"} ${count}`,
        `bot_update_duration_seconds_sum ${sum}`,
        `bot_update_duration_seconds_count ${count}`,
        "# HELP bot_redis_errors_total Redis commands that failed.",
        "# TYPE bot_redis_errors_total counter",
        `bot_redis_errors_total ${redisErrors}`,
        "# HELP bot_active_sessions Chats active in the last 15 minutes (this process).",
        "# TYPE bot_active_sessions gauge",
        `bot_active_sessions ${activeCount}`,
      ];
      return `${lines.join("\n")}\n`;
    },
  };
}
