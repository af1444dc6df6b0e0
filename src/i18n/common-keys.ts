/**
 * The texts in `locales/<lang>/common.json` that the code uses, with the placeholders each may
 * contain. The checker requires every one of them in every shipped language and flags the rest
 * as unused, so code and content cannot drift apart.
 */
export const COMMON_KEYS = {
  "answer.yes": [],
  "answer.no": [],
  "nav.back": [],
  "nav.menu": [],
  "invalid.integer": ["min", "max"],
  "invalid.yesno": [],
  "invalid.oneof": [],
  "invalid.text_empty": [],
  "invalid.text_too_long": ["max"],
  "invalid.postcode": [],
  "notice.content_changed": [],
  "notice.button_outdated": [],
  "notice.flow_error": [],
  "footer.legal": ["basis", "date"],
  "footer.expired": ["date"],
  "search.fallback": [],
  "handoff.offline": [],
  "end.default": [],
} as const satisfies Record<string, readonly string[]>;

export type CommonKey = keyof typeof COMMON_KEYS;
