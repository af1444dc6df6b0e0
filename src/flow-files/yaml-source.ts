/**
 * Editor files parsed with their positions, so that every problem can name `file:line:column`.
 * JSON locale files go through the same YAML parser (JSON is YAML), after a strict JSON.parse.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { Position, Problem } from "./problems.js";

export type PathSegment = string | number;

type Range = readonly [number, number, number];
interface Ranged {
  range?: Range | null;
}

export interface SourceFile {
  /** Path relative to the content root, as shown in messages. */
  readonly file: string;
  readonly data: unknown;
  /** The position of the value at `path`, or of the nearest enclosing one that exists. */
  position(path: readonly PathSegment[], which?: "key" | "value"): Position;
}

function createSource(file: string, doc: Document, lines: LineCounter, data: unknown): SourceFile {
  const toPosition = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  return {
    file,
    data,
    position(path, which = "value") {
      let node: unknown = doc.contents;
      let offset = (node as Ranged | null)?.range?.[0] ?? 0;
      // Where a path ends early (a missing key), point at the key of the deepest entry found.
      let keyOffset: number | undefined;
      for (const [i, segment] of path.entries()) {
        let keyRange: Range | undefined;
        if (isMap(node)) {
          const pair = node.items.find(
            (item) =>
              isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
          );
          if (!pair) {
            if (which === "key" && keyOffset !== undefined) offset = keyOffset;
            break;
          }
          keyRange = (pair.key as Ranged | null)?.range ?? undefined;
          keyOffset = keyRange?.[0] ?? keyOffset;
          node = pair.value;
        } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
          node = node.items[segment];
        } else {
          if (which === "key" && keyOffset !== undefined) offset = keyOffset;
          break;
        }
        const last = i === path.length - 1;
        const valueRange = (node as Ranged | null)?.range;
        offset = (last && which === "key" ? keyRange : (valueRange ?? keyRange))?.[0] ?? offset;
      }
      return toPosition(offset);
    },
  };
}

export type ParseResult = { ok: true; source: SourceFile } | { ok: false; problems: Problem[] };

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: "Every name may appear only once at the same level: rename or remove one of them.",
  BAD_INDENT: "Check the indentation: use spaces (not tabs), and line up items of the same level.",
  TAB_AS_INDENT: "Use spaces for indentation, not tabs.",
  MISSING_CHAR: "Something is not closed: look for a missing ] or } or quote.",
  BLOCK_AS_IMPLICIT_KEY: "A colon may be missing after a name, or a line is indented too far.",
};

/** Parses a YAML editor file; syntax errors become problems with positions and hints. */
export function parseYamlSource(file: string, text: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        const duplicate = error.code === "DUPLICATE_KEY";
        return {
          severity: "error",
          file,
          position: { line, column: col },
          message: duplicate
            ? "this name appears twice at the same level (for example two steps with the same id)."
            : `the file cannot be read as YAML (${error.message.split("\n")[0]}).`,
          hint: YAML_HINTS[error.code] ?? "Compare it with an example in flows/README.md.",
        };
      }),
    };
  }
  return { ok: true, source: createSource(file, doc, lines, doc.toJS()) };
}

/** Parses a JSON locale file strictly; a syntax error names the line and what to look for. */
export function parseJsonSource(file: string, text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /line (\d+) column (\d+)/.exec(message);
    const offset = /position (\d+)/.exec(message);
    const lines = new LineCounter();
    parseDocument(text, { lineCounter: lines });
    const position = at
      ? { line: Number(at[1]), column: Number(at[2]) }
      : offset
        ? (({ line, col }) => ({ line, column: col }))(lines.linePos(Number(offset[1])))
        : undefined;
    return {
      ok: false,
      problems: [
        {
          severity: "error",
          file,
          position,
          message: "the file is not valid JSON.",
          hint: 'Look for a missing comma between entries, a comma after the last entry, or a missing quote. Texts need "double quotes"; a " inside a text is written \\".',
        },
      ],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  return { ok: true, source: createSource(file, doc, lines, data) };
}
