/**
 * Every Redis key, built in one place. Per-chat keys share the hash tag `{chat}`, so one script
 * can touch them all, also on Redis Cluster.
 */
export function createKeys(prefix: string) {
  const chat = (id: number) => `${prefix}{${id}}`;
  return {
    session: (id: number) => `${chat(id)}:sess`,
    lock: (id: number) => `${chat(id)}:lock`,
    rate: (id: number) => `${chat(id)}:rate`,
    blocked: (id: number) => `${chat(id)}:blocked`,
    /** Update ids are unique per bot; keyed per chat to stay in the chat's slot. */
    update: (chatId: number, updateId: number) => `${chat(chatId)}:upd:${updateId}`,
  };
}

export type Keys = ReturnType<typeof createKeys>;
export const DEFAULT_PREFIX = "sp:";
