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
  "nav.language": [],
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
  "search.did_you_mean": [],
  "search.nothing": [],
  /** Comma-separated phrases: a message with all words of one of them is an emergency. */
  "search.emergency_words": [],
  /** Comma-separated phrases: a message with all words of one of them asks for a person. */
  "search.person_words": [],
  /** Comma-separated phrases of topics the bot has no pages for (divorce, driving licence…). */
  "search.other_topics_words": [],
  "handoff.offline": [],
  "end.default": [],
  "nav.person": [],
  "handoff.consent": ["office"],
  "handoff.consent_yes": [],
  "handoff.consent_no": [],
  "handoff.declined": ["office", "phone", "address", "hours"],
  "handoff.unavailable": ["office", "phone", "address", "hours"],
  "handoff.region_prompt": [],
  "handoff.region_unknown": [],
  "handoff.topic_prompt": ["topic"],
  "handoff.share_prompt": ["answers"],
  "handoff.share_yes": [],
  "handoff.share_no": [],
  "handoff.message_prompt": ["max"],
  "handoff.message_too_long": ["length", "max"],
  "handoff.text_only": [],
  "handoff.use_buttons": [],
  "handoff.contact_prompt": [],
  "handoff.contact.chat": [],
  "handoff.contact.phone": [],
  "handoff.contact.office": [],
  "handoff.phone_prompt": [],
  "handoff.phone_invalid": [],
  "handoff.summary": ["office", "topic", "message", "contact", "shared"],
  "handoff.send": [],
  "handoff.change_message": [],
  "handoff.change_contact": [],
  "handoff.cancel": [],
  "handoff.cancelled": [],
  "handoff.sent_open": ["number", "office", "queue"],
  "handoff.queue": ["count"],
  "handoff.sent_closed": ["number", "office", "next"],
  "handoff.sent_unknown": ["number", "office"],
  "handoff.open_notice": ["office"],
  "handoff.claimed": ["office"],
  "handoff.header": ["office"],
  "handoff.header_named": ["name", "office"],
  "handoff.closed": ["number", "office"],
  "handoff.rated": [],
  "handoff.comment_thanks": [],
  "handoff.withdrawn": ["number"],
  "command.person": [],
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
  "person",
  "cancel",
] as const;

/** /person and its aliases in the parents' languages (Telegram commands are Latin letters only). */
export const PERSON_COMMANDS = [
  "person",
  "mensch",
  "human",
  "lyudyna",
  "chelovek",
  "insan",
  "ensan",
] as const;

export type CommonKey = keyof typeof COMMON_KEYS;

/**
 * Common texts with plural forms (`<key>_one`, `<key>_other`, … as i18next resolves them by
 * `count`): each language needs the forms its plural rules have, plus `_zero` where the source has it.
 */
export const COMMON_PLURALS: ReadonlySet<CommonKey> = new Set<CommonKey>(["handoff.queue"]);

/** Common texts used as button labels (plain text, at most 64 characters). */
export const COMMON_BUTTONS: ReadonlySet<string> = new Set([
  "delete.yes",
  "delete.no",
  "handoff.consent_yes",
  "handoff.consent_no",
  "handoff.share_yes",
  "handoff.share_no",
  "handoff.contact.chat",
  "handoff.contact.phone",
  "handoff.contact.office",
  "handoff.send",
  "handoff.change_message",
  "handoff.change_contact",
  "handoff.cancel",
]);
