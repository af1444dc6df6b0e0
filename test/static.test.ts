/** The code base type-checks, lints and is formatted: part of `npm test`, so CI cannot skip it. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./factories.js";

const run = promisify(execFile);
const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);

async function exitOf(command: string, args: string[]) {
  try {
    await run(bin(command), args, { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: "" };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("static checks", () => {
  it("type-checks with the strict settings", { timeout: 120_000 }, async () => {
    const result = await exitOf("tsc", ["--noEmit", "-p", "tsconfig.json"]);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("passes the linter, including the engine purity rule", { timeout: 120_000 }, async () => {
    const result = await exitOf("eslint", ["."]);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("is formatted", { timeout: 60_000 }, async () => {
    const result = await exitOf("prettier", ["--check", "--log-level", "warn", "."]);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });
});
