/** Reduces the full Bot API spec (api.json) to what call validation needs. */

interface FullField {
  name: string;
  types: string[];
  required: boolean;
  description: string;
}
interface FullEntry {
  name: string;
  fields?: FullField[];
  subtypes?: string[];
}
interface FullSpec {
  version: string;
  methods: Record<string, FullEntry>;
  types: Record<string, FullEntry>;
}

export interface SpecField {
  /** Types as the spec writes them: `Integer`, `String`, `Array of InlineKeyboardButton` … */
  readonly t: readonly string[];
  /** Required. */
  readonly r?: 1;
  /** Length limits from the description, e.g. [1, 4096, "characters"]. */
  readonly len?: readonly [number, number, "characters" | "bytes"];
}

export interface CompactSpec {
  readonly version: string;
  readonly methods: Record<string, Record<string, SpecField>>;
  /** Object types with fields; union types list their `subtypes`. */
  readonly types: Record<
    string,
    { readonly fields: Record<string, SpecField> } | { readonly oneOf: readonly string[] }
  >;
}

const LIMIT = /(\d+)-(\d+) (characters|bytes)/;

function compactFields(fields: readonly FullField[] = []): Record<string, SpecField> {
  const out: Record<string, SpecField> = {};
  for (const field of fields) {
    const limit = LIMIT.exec(field.description);
    out[field.name] = {
      t: field.types,
      ...(field.required && { r: 1 as const }),
      ...(limit && {
        len: [Number(limit[1]), Number(limit[2]), limit[3] as "characters" | "bytes"] as const,
      }),
    };
  }
  return out;
}

export function extractSpec(full: FullSpec): CompactSpec {
  const methods: CompactSpec["methods"] = {};
  for (const [name, method] of Object.entries(full.methods))
    methods[name] = compactFields(method.fields);
  const types: CompactSpec["types"] = {};
  for (const [name, type] of Object.entries(full.types)) {
    types[name] = type.subtypes?.length
      ? { oneOf: type.subtypes }
      : { fields: compactFields(type.fields) };
  }
  return { version: full.version, methods, types };
}
