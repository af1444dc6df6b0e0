/**
 * Docker cannot run here, so the image is checked by what it depends on: every COPY source exists,
 * and the CMD runs a file that `npm run build` produces, which starts and parses its config.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../factories.js";

const run = promisify(execFile);
const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");

describe("Dockerfile", () => {
  it("copies only sources that exist", () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)].flatMap((m) =>
      m[1]!.split(/\s+/),
    );
    expect(copies).toEqual(
      expect.arrayContaining(["package.json", "package-lock.json", "src", "flows", "locales"]),
    );
    for (const source of copies) expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
  });

  it("builds in a first stage, installs only production dependencies, and runs as non-root with a health check", () => {
    expect(dockerfile).toMatch(
      /FROM node:24\S* AS build[\s\S]*RUN npm run build[\s\S]*FROM node:24\S* AS runtime/,
    );
    expect(dockerfile).toContain("npm ci --omit=dev");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
  });

  it(
    "runs a CMD file that npm run build produces, and that file starts",
    { timeout: 120_000 },
    async () => {
      const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
      expect(cmd[0]).toBe("node");
      await run("npm", ["run", "build"], { cwd: REPO_ROOT });
      expect(existsSync(join(REPO_ROOT, cmd[1]!))).toBe(true);
      // Started with a bad config, the built entry point must explain it and exit 1 (no stack trace).
      const failed = await run("node", [cmd[1]!], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, PORT: "abc" },
      }).catch((e: { code: number; stderr: string }) => e);
      expect("code" in failed && failed.code).toBe(1);
      expect((failed as { stderr: string }).stderr).toContain(
        'PORT: expected a whole number from 1 to 65535; got "abc".',
      );
    },
  );
});

describe("docker-compose.yml", () => {
  it("runs the bot with Redis 7 persisted in an append-only file", () => {
    const compose = parse(readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8"));
    expect(compose.services.redis.image).toMatch(/^redis:7/);
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(["--appendonly", "yes"]));
    expect(compose.services.redis.volumes[0]).toMatch(/:\/data$/);
    expect(compose.services.bot.environment.REDIS_URL).toBe("redis://redis:6379");
  });
});
