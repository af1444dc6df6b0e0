import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../factories.js";

/** The engine must stay a pure function of data; the lint rule is what keeps it so. */
describe("engine purity rule", () => {
  const eslint = new ESLint({ cwd: REPO_ROOT });

  async function lintEngineFile(code: string) {
    const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/src/engine/probe.ts` });
    return result!.messages.map((m) => m.ruleId);
  }

  it.each([
    ['import { Bot } from "grammy";\nexport { Bot };', "no-restricted-imports"],
    ['import Redis from "ioredis";\nexport { Redis };', "no-restricted-imports"],
    ['import i18next from "i18next";\nexport { i18next };', "no-restricted-imports"],
    ['import { readFile } from "node:fs/promises";\nexport { readFile };', "no-restricted-imports"],
    ['import { createHash } from "crypto";\nexport { createHash };', "no-restricted-imports"],
    ["export const token = process.env.BOT_TOKEN;", "no-restricted-globals"],
  ])("rejects %s", async (code, rule) => {
    expect(await lintEngineFile(code)).toContain(rule);
  });

  it("accepts the engine as it is", async () => {
    const results = await eslint.lintFiles(["src/engine/**/*.ts"]);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`))).toEqual(
      [],
    );
  });
});
