/** Test factories: small flow sets, content directories and engine sessions. */
import { mkdtemp, mkdir, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { advance } from "../src/engine/advance.js";
import { createEngineState, parseEngineState, type EngineState } from "../src/engine/state.js";
import type { FlowSet, Input, Output } from "../src/engine/types.js";
import { kindOfStep, stepSchemas, type Step } from "../src/flow-files/schema.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

type RawFlows = Record<string, { start: string; steps: Record<string, Record<string, unknown>> }>;

/** A flow set from plain objects, validated with the real step schemas. */
export function createFlowSet(raw: RawFlows, hash = "test-hash"): FlowSet {
  const flows = new Map(
    Object.entries(raw).map(([id, flow]) => {
      const steps = new Map<string, Step>();
      for (const [stepId, rawStep] of Object.entries(flow.steps)) {
        const kind = kindOfStep(rawStep);
        if (typeof kind === "object") throw new Error(`ambiguous step ${stepId}`);
        steps.set(stepId, { ...stepSchemas[kind].parse(rawStep), kind } as Step);
      }
      return [id, { id, start: flow.start, steps }] as const;
    }),
  );
  return { hash, main: "main", flows };
}

/**
 * An engine session that stores its state as JSON between turns, as Redis does, and keeps the
 * outputs of the last turn.
 */
export function createSession(flows: FlowSet) {
  let stored = JSON.stringify(createEngineState(flows.hash));
  let current = flows;
  return {
    send(input: Input): Output[] {
      const state = parseEngineState(JSON.parse(stored));
      if (!state) throw new Error("state did not survive the JSON round trip");
      const result = advance(current, state, input);
      stored = JSON.stringify(result.state);
      return [...result.outputs];
    },
    get state(): EngineState {
      return parseEngineState(JSON.parse(stored))!;
    },
    /** Swap the flows, as a deploy or hot reload does under a live session. */
    deploy(next: FlowSet) {
      current = next;
    },
  };
}

/** A content directory in a temp folder: a copy of the real content, with files replaced. */
export async function createContentDir(files: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "content-"));
  await cp(join(REPO_ROOT, "flows"), join(root, "flows"), { recursive: true });
  await cp(join(REPO_ROOT, "locales"), join(root, "locales"), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** A content directory holding only the given files. */
export async function createEmptyContentDir(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "content-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}
