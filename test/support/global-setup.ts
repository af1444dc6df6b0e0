/**
 * Starts one real Redis for the whole test run. With CI=true a missing redis-server fails the run:
 * Redis tests are never skipped in CI.
 */
import type { TestProject } from "vitest/node";
import { hasRedisServer, startRedisServer } from "./redis-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (!hasRedisServer()) {
    if (process.env.CI === "true")
      throw new Error("redis-server is not installed, but CI must run the Redis tests.");
    console.warn(
      "redis-server is not installed: Redis tests are skipped (install it: apt-get install redis-server).",
    );
    project.provide("redisUrl", "");
    return;
  }
  const server = await startRedisServer();
  project.provide("redisUrl", server.url);
  return () => server.stop();
}
