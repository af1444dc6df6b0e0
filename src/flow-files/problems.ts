/** What the checker reports: a problem at a place in an editor's file, with a hint how to fix it. */

export type Severity = "error" | "warning";

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Problem {
  readonly severity: Severity;
  /** Path relative to the content root, e.g. `flows/childcare.yaml`. */
  readonly file: string;
  readonly position?: Position | undefined;
  readonly flow?: string | undefined;
  readonly step?: string | undefined;
  /** What is wrong, in words an editor understands. */
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string | undefined;
}

/**
 * `flows/childcare.yaml:12:7 error step "kita_age": next goes to "under_on", which does not exist.
 * Did you mean "under_one"?`
 */
export function formatProblem(problem: Problem): string {
  const where = problem.position
    ? `${problem.file}:${problem.position.line}:${problem.position.column}`
    : problem.file;
  const step = problem.step !== undefined ? `step "${problem.step}": ` : "";
  const hint = problem.hint ? ` ${problem.hint}` : "";
  return `${where} ${problem.severity} ${step}${problem.message}${hint}`;
}

export function countBySeverity(problems: readonly Problem[]) {
  let errors = 0;
  let warnings = 0;
  for (const p of problems) {
    if (p.severity === "error") errors++;
    else warnings++;
  }
  return { errors, warnings };
}

/** Sorts problems by file, then line, so the output reads top to bottom. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}
