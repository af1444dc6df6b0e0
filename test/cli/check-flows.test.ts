/** `npm run check:flows` as an editor runs it: exit code, messages and the coverage table. */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createContentDir, REPO_ROOT } from "../factories.js";

const run = promisify(execFile);

async function checkFlows(root: string) {
  try {
    const { stdout } = await run(
      join(REPO_ROOT, "node_modules", ".bin", "tsx"),
      [join(REPO_ROOT, "src/cli/check-flows.ts"), "--root", root],
      {
        cwd: REPO_ROOT,
      },
    );
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe("check:flows", () => {
  it("exits 0 on the real content and prints the coverage table", { timeout: 60_000 }, async () => {
    const { code, stdout } = await checkFlows(REPO_ROOT);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Deutsch \(de\)\s+source\s+(\d+)\/\1\s+100%$/m);
    expect(stdout).toMatch(/^English \(en\)\s+shipped\s+(\d+)\/\1\s+100%$/m);
    expect(stdout).toMatch(/✔ no errors/);
  });

  it("exits 1 on a broken flow and names file, line and a fix", { timeout: 60_000 }, async () => {
    const root = await createContentDir();
    const file = join(root, "flows/main.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("next: training.menu", "next: training.mnu"));
    const line = text.split("\n").findIndex((l) => l.includes("next: training.menu")) + 1;
    const { code, stdout } = await checkFlows(root);
    expect(code).toBe(1);
    expect(stdout).toContain(`flows/main.yaml:${line}:`);
    expect(stdout).toMatch(
      /error step "menu": next goes to "training\.mnu", which does not exist\. Did you mean "menu"\? The flow "training" has no step "mnu"\./,
    );
    expect(stdout).toMatch(/✘ 1 error/);
  });
});
