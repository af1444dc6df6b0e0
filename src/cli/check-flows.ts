/**
 * `npm run check:flows`: checks flows, facts and texts and prints every problem with file:line,
 * then the coverage table per language. Exits 1 on any error.
 *
 * Options: --root <dir> (default: the working directory), --today YYYY-MM-DD, --quiet (errors only).
 */
import { parseArgs } from "node:util";
import { checkDirectory, formatCoverage } from "../flow-files/check.js";
import { countBySeverity, formatProblem, sortProblems } from "../flow-files/problems.js";

const { values } = parseArgs({
  options: {
    root: { type: "string", default: process.cwd() },
    today: { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

const { problems, coverage } = await checkDirectory(
  values.root,
  values.today ? { today: values.today } : {},
);
const shown = sortProblems(problems).filter((p) => !values.quiet || p.severity === "error");
for (const problem of shown) console.log(formatProblem(problem));
const { errors, warnings } = countBySeverity(problems);
if (shown.length > 0) console.log("");
console.log(formatCoverage(coverage));
console.log("");
console.log(
  errors === 0
    ? `✔ no errors, ${warnings} warning${warnings === 1 ? "" : "s"}`
    : `✘ ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}. Fix the errors above; each line names the file and line.`,
);
process.exitCode = errors > 0 ? 1 : 0;
