/** `npm run eval:search`: the search's accuracy per language on test/fixtures/questions.yaml. */
import { resolve } from "node:path";
import { createContentBundle } from "../bot/content-bundle.js";
import { loadContent } from "../flow-files/load.js";
import { evaluate, formatEvaluation, loadQuestions } from "../search/evaluate.js";

const root = resolve(process.argv[2] ?? ".");
const { content } = await loadContent(root);
const bundle = createContentBundle(content);
const questions = await loadQuestions(resolve(root, "test/fixtures/questions.yaml"));
console.log(formatEvaluation(evaluate(bundle.search, questions)));
