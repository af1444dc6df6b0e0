// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/** The engine is a pure function of data: no Telegram, Redis, i18n, Node built-ins or environment. */
const engineBoundary = {
  files: ["src/engine/**/*.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: ["grammy", "grammy/*", "@grammyjs/*"],
            message: "The engine is pure: Telegram belongs in src/bot/.",
          },
          {
            group: ["ioredis", "ioredis/*"],
            message: "The engine is pure: Redis belongs in src/storage/.",
          },
          {
            group: ["i18next", "i18next/*"],
            message: "The engine is pure: texts are rendered in src/i18n/.",
          },
          { group: ["node:*"], message: "The engine is pure: no Node.js built-ins." },
          {
            group: [
              "fs",
              "path",
              "os",
              "crypto",
              "http",
              "https",
              "net",
              "child_process",
              "process",
              "url",
            ],
            message: "The engine is pure: no Node.js built-ins.",
          },
        ],
      },
    ],
    "no-restricted-globals": [
      "error",
      {
        name: "process",
        message: "The engine is pure: configuration is passed in, never read from process.env.",
      },
    ],
    "no-restricted-syntax": [
      "error",
      {
        selector: "MemberExpression[object.name='globalThis'][property.name='process']",
        message: "The engine is pure: no process access.",
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "test-results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": ["error", { allow: ["error", "warn"] }],
    },
  },
  engineBoundary,
  {
    // The playground page runs in the browser.
    files: ["src/playground/public/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["src/cli/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "test/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
