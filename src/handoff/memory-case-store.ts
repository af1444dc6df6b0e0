/** Cases and the group outbox in memory: the playground without Redis, and tests. */
import { randomUUID } from "node:crypto";
import { caseId, type Case, type CaseStore, type GroupJob, type NewCase } from "./case-store.js";

export function createMemoryCaseStore(now: () => number = Date.now): CaseStore {
  const expiring = <V>() => {
    const map = new Map<string, { value: V; until: number }>();
    return {
      get(key: string): V | undefined {
        const entry = map.get(key);
        if (!entry) return undefined;
        if (entry.until <= now()) {
          map.delete(key);
          return undefined;
        }
        return entry.value;
      },
      set(key: string, value: V, ms: number) {
        map.set(key, { value, until: now() + ms });
      },
      touch(key: string, ms: number) {
        const entry = map.get(key);
        if (entry) entry.until = now() + ms;
      },
      delete: (key: string) => map.delete(key),
    };
  };
  const cases = expiring<Case>();
  const refs = expiring<string>();
  const msgs = new Map<string, number[]>();
  const seq = new Map<string, number>();
  const queues = new Map<string, Map<string, number>>();
  const ratings = new Map<string, Record<string, number>>();
  const outboxes = new Map<number, GroupJob[]>();
  const locks = expiring<string>();
  const sent = new Map<number, number[]>();
  const queueOf = (office: string) => {
    let queue = queues.get(office);
    if (!queue) queues.set(office, (queue = new Map()));
    return queue;
  };
  const officeOf = (id: string) => id.split(":")[0]!;

  return {
    async create(fields: NewCase, at: number, ttlSeconds: number) {
      const number = (seq.get(fields.office) ?? 0) + 1;
      seq.set(fields.office, number);
      const id = caseId(fields.office, number);
      const record: Case = { ...fields, id, number, status: "open", createdAt: at };
      cases.set(id, structuredClone(record), ttlSeconds * 1000);
      queueOf(fields.office).set(id, at);
      return record;
    },
    async get(id) {
      const record = cases.get(id);
      return record && structuredClone(record);
    },
    async scrub(id) {
      const record = cases.get(id);
      if (!record) return;
      Object.assign(record, { message: "", answers: {}, path: [] });
      delete record.phone;
    },
    async update(id, fields) {
      const record = cases.get(id);
      if (record) Object.assign(record, structuredClone(fields));
    },
    async claim(id, by) {
      const record = cases.get(id);
      if (record?.status !== "open") return false;
      record.status = "claimed";
      record.claimedBy = by;
      queueOf(officeOf(id)).delete(id);
      return true;
    },
    async end(id, status, at, ttlSeconds) {
      const record = cases.get(id);
      if (record?.status !== "open" && record?.status !== "claimed") return false;
      record.status = status;
      record.closedAt = at;
      queueOf(officeOf(id)).delete(id);
      cases.touch(id, ttlSeconds * 1000);
      return true;
    },
    async remove(id) {
      const record = cases.get(id);
      cases.delete(id);
      queueOf(officeOf(id)).delete(id);
      if (record)
        for (const ref of [...(msgs.get(id) ?? []), record.thread, record.card])
          if (ref !== undefined) refs.delete(`${record.groupChat}:${ref}`);
      msgs.delete(id);
    },
    async touch(record, ttlSeconds) {
      cases.touch(record.id, ttlSeconds * 1000);
      for (const ref of [record.thread, record.card])
        if (ref !== undefined) refs.touch(`${record.groupChat}:${ref}`, ttlSeconds * 1000);
    },
    async link(group, ref, id, ttlSeconds) {
      refs.set(`${group}:${ref}`, id, ttlSeconds * 1000);
      msgs.set(id, [...(msgs.get(id) ?? []), ref]);
    },
    async byRef(group, ref) {
      return refs.get(`${group}:${ref}`);
    },
    async groupMessages(id) {
      return [...(msgs.get(id) ?? [])];
    },
    async queuePosition(office, id) {
      const ordered = [...queueOf(office)].sort(([, a], [, b]) => a - b).map(([i]) => i);
      const index = ordered.indexOf(id);
      return index < 0 ? undefined : index + 1;
    },
    async waiting(office, before) {
      return [...queueOf(office)]
        .filter(([id, at]) => at < before && cases.get(id) !== undefined)
        .sort(([, a], [, b]) => a - b)
        .map(([id]) => id);
    },
    async rate(office, stars) {
      const counts = ratings.get(office) ?? {};
      counts[String(stars)] = (counts[String(stars)] ?? 0) + 1;
      ratings.set(office, counts);
    },
    async ratings(office) {
      return { ...(ratings.get(office) ?? {}) };
    },

    async push(group, job) {
      outboxes.set(group, [...(outboxes.get(group) ?? []), structuredClone(job)]);
    },
    async groupsWithJobs() {
      return [...outboxes].filter(([, jobs]) => jobs.length > 0).map(([group]) => group);
    },
    async peek(group) {
      return outboxes.get(group)?.[0];
    },
    async shift(group, token, lockMs) {
      if (locks.get(`group:${group}`) !== token) return false;
      outboxes.get(group)?.shift();
      locks.set(`group:${group}`, token, lockMs);
      return true;
    },
    async lockGroup(group, ms) {
      if (locks.get(`group:${group}`)) return undefined;
      const token = randomUUID();
      locks.set(`group:${group}`, token, ms);
      return token;
    },
    async unlockGroup(group, token) {
      if (locks.get(`group:${group}`) === token) locks.delete(`group:${group}`);
    },
    async sentSince(group, since) {
      return (sent.get(group) ?? []).filter((at) => at > since).length;
    },
    async recordSent(group, at, windowMs) {
      sent.set(group, [...(sent.get(group) ?? []).filter((t) => t > at - windowMs), at]);
    },
    async once(name, ms) {
      if (locks.get(`once:${name}`)) return false;
      locks.set(`once:${name}`, "1", ms);
      return true;
    },
    async close() {},
  };
}
