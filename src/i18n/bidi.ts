/**
 * Right-to-left texts (Arabic, Farsi) with Latin fragments inside: legal bases (§ 28 SGB II),
 * German terms in brackets (Kita), amounts (259 €), commands (/privacy). Without help, the Unicode
 * bidi algorithm reorders such fragments ("SGB II § 28"). Each left-to-right run is wrapped in
 * LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE, which Telegram's clients honour; editors never
 * type these invisible marks.
 */

const LRI = "\u2066";
const PDI = "\u2069";
const ISOLATE_OPEN = /[\u2066\u2067\u2068]/;

/**
 * A left-to-right run: starts with a Latin letter, a digit, §, € or a command's slash; may go on
 * over spaces and the punctuation inside legal bases, amounts and dates; ends with a letter, digit,
 * € or %.
 */
const RUN =
  /[\p{Script=Latin}0-9§€+/@][\p{Script=Latin}0-9§€%+/@.,:\-–'’ \u00a0\u202f]*[\p{Script=Latin}0-9€%]|[\p{Script=Latin}0-9€]/gu;

/** Tags and entities of Telegram HTML are left alone; only the text between them is isolated. */
const MARKUP = /(<[^>]*>|&[a-zA-Z]+;|&#x?[0-9a-fA-F]+;)/;

/** Wraps every left-to-right run of an HTML text in an isolate; runs already isolated stay as they are. */
export function isolateLeftToRight(html: string): string {
  let depth = 0;
  return html
    .split(MARKUP)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      let out = "";
      let plain = "";
      const flush = () => {
        out += depth === 0 ? plain.replace(RUN, (run) => `${LRI}${run}${PDI}`) : plain;
        plain = "";
      };
      for (const char of part) {
        if (ISOLATE_OPEN.test(char) || char === PDI) {
          flush();
          depth = Math.max(0, depth + (char === PDI ? -1 : 1));
          out += char;
        } else {
          plain += char;
        }
      }
      flush();
      return out;
    })
    .join("");
}
