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
  welcome: [],
  "privacy.summary": [],
  "privacy.full": ["controller", "dpo", "authority", "days"],
  help: [],
  "language.prompt": [],
  "language.changed": [],
  "delete.confirm": [],
  "delete.yes": [],
  "delete.no": [],
  "delete.done": [],
  "delete.kept": [],
  "cancel.done": [],
  "rate.limited": [],
  "error.unavailable": [],
  "error.generic": [],
  "error.busy": [],
  "input.unsupported": [],
  "input.edited": [],
  "group.private_only": ["bot"],
  "callback.not_yours": [],
  "command.start": [],
  "command.menu": [],
  "command.back": [],
  "command.language": [],
  "command.help": [],
  "command.privacy": [],
  "command.delete": [],
  "command.cancel": [],
  "bot.description": [],
  "bot.short_description": [],
} as const satisfies Record<string, readonly string[]>;

/** The commands the bot registers, in menu order; each has its `command.<name>` description. */
export const COMMANDS = [
  "start",
  "menu",
  "back",
  "language",
  "help",
  "privacy",
  "delete",
  "cancel",
] as const;

export type CommonKey = keyof typeof COMMON_KEYS;

/** Common texts used as button labels (plain text, at most 64 characters). */
export const COMMON_BUTTONS: ReadonlySet<string> = new Set(["delete.yes", "delete.no"]);
