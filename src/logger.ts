/**
 * The process logger: pino JSON. Personal data never goes in: no message texts, names, usernames or
 * phone numbers. The redaction is a second line of defence for fields a library might add.
 */
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.js";

export const REDACTED_PATHS = [
  "text",
  "*.text",
  "caption",
  "*.caption",
  "first_name",
  "*.first_name",
  "last_name",
  "*.last_name",
  "username",
  "*.username",
  "phone_number",
  "*.phone_number",
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { app: "single-parent-assistant" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}
