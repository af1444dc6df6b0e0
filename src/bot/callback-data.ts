/**
 * Callback data: stateless and compact (always ≤ 64 bytes). A choice names its step by a short
 * stable hash of `flow.step`, so a button of an old message keeps working after restarts and
 * deploys while its step exists.
 *
 *   1s<hash>.<index>   a choice or answer button of step <hash>
 *   1b / 1m            back / main menu
 *   1l<lang> / 1l      language picked / show the language picker
 *   1dy / 1dn          delete confirmed / kept
 *   1p                 talk to a person
 *   1j<hash>           open step <hash> (a search result)
 *   (the handoff desk: 1i… request form, 1k/1z claim/close a case, 1r rating; see handoff/)
 */
import type { ButtonAction } from "../render/compose.js";

const VERSION = "1";

export type CallbackAction =
  ButtonAction | { type: "language"; lang: string } | { type: "delete"; confirm: boolean };

/** FNV-1a, 32 bits, in base 36: stable across processes and versions of Node.js. */
export function stepHash(ref: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ref.length; i++) {
    hash ^= ref.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

export function encodeCallback(action: CallbackAction): string {
  switch (action.type) {
    case "choose":
      return `${VERSION}s${stepHash(action.step)}.${action.index}`;
    case "back":
      return `${VERSION}b`;
    case "menu":
      return `${VERSION}m`;
    case "person":
      return `${VERSION}p`;
    case "language":
      return `${VERSION}l${action.lang}`;
    case "languages":
      return `${VERSION}l`;
    case "jump":
      return `${VERSION}j${stepHash(action.step)}`;
    case "delete":
      return `${VERSION}d${action.confirm ? "y" : "n"}`;
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

/**
 * Reads callback data; `undefined` for anything forged, foreign or from an unknown version.
 * `steps` maps step hashes to refs for the current flows.
 */
export function decodeCallback(
  data: string | undefined,
  steps: ReadonlyMap<string, string>,
): CallbackAction | "outdated" | undefined {
  if (!data || data.length > 64 || !data.startsWith(VERSION)) return undefined;
  const body = data.slice(VERSION.length);
  const kind = body[0];
  const rest = body.slice(1);
  switch (kind) {
    case "s": {
      const match = /^([0-9a-z]{1,7})\.(\d{1,2})$/.exec(rest);
      if (!match) return undefined;
      const step = steps.get(match[1]!);
      return step === undefined ? "outdated" : { type: "choose", step, index: Number(match[2]) };
    }
    case "j": {
      if (!/^[0-9a-z]{1,7}$/.test(rest)) return undefined;
      const step = steps.get(rest);
      return step === undefined ? "outdated" : { type: "jump", step };
    }
    case "b":
      return rest === "" ? { type: "back" } : undefined;
    case "m":
      return rest === "" ? { type: "menu" } : undefined;
    case "p":
      return rest === "" ? { type: "person" } : undefined;
    case "l":
      if (rest === "") return { type: "languages" };
      return /^[a-z]{2,3}(-[a-z]+)?$/.test(rest) ? { type: "language", lang: rest } : undefined;
    case "d":
      return rest === "y" || rest === "n" ? { type: "delete", confirm: rest === "y" } : undefined;
    default:
      return undefined;
  }
}
