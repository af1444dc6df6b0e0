/**
 * One version of the content, ready to serve: flows, texts and the callback index. Built once per
 * load (and per hot reload), never per update. Swapping the bundle is atomic for running updates.
 */
import type { Content } from "../flow-files/load.js";
import { createTexts, type Texts } from "../i18n/texts.js";
import { createSearch, type Search } from "../search/search.js";
import { stepHash } from "./callback-data.js";

export interface ContentBundle {
  readonly content: Content;
  readonly texts: Texts;
  /** Free-text questions → steps (see `IndexWarmth` for when each language is indexed). */
  readonly search: Search;
  /** Step hash → `flow.step`, for callback data. */
  readonly steps: ReadonlyMap<string, string>;
  readonly languages: ReadonlySet<string>;
}

/**
 * Which search indexes are built with the bundle: every language (tools, tests, the search
 * benchmark), or the source language only, the others when a parent first uses them (the bot).
 */
export type IndexWarmth = "all" | "source";

export function createContentBundle(content: Content, warmth: IndexWarmth = "all"): ContentBundle {
  const steps = new Map<string, string>();
  for (const flow of content.flows.flows.values()) {
    for (const id of flow.steps.keys()) {
      const ref = `${flow.id}.${id}`;
      const hash = stepHash(ref);
      const clash = steps.get(hash);
      if (clash !== undefined)
        throw new Error(`Steps ${clash} and ${ref} share a button id; rename one of them.`);
      steps.set(hash, ref);
    }
  }
  const texts = createTexts(content);
  const search = createSearch(content, texts);
  search.warm(warmth === "all" ? undefined : [content.sourceLanguage]);
  return {
    content,
    texts,
    search,
    steps,
    languages: new Set(content.languages.keys()),
  };
}

/** Holds the bundle in use; the playground's hot reload swaps it. */
export interface ContentSource {
  current(): ContentBundle;
}

/** A content source whose bundle can be swapped (hot reload). */
export interface ReloadableContent extends ContentSource {
  replace(next: ContentBundle): void;
}

export function createContentSource(initial: ContentBundle): ReloadableContent {
  let bundle = initial;
  return {
    current: () => bundle,
    replace(next) {
      bundle = next;
    },
  };
}
