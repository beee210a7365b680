/** One reason an event (or request) is invalid: where, and what is wrong there. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; errors: ValidationIssue[] };

/**
 * Port for event validation against the published JSON Schemas. `@cogdesk/events-schema` provides the real
 * one; shared code takes it as a parameter so it does not depend on the schemas package.
 *
 * @example
 *   const validate: ValidateEvent = (event) => (isValid(event) ? { ok: true } : { ok: false, errors });
 */
export type ValidateEvent = (event: unknown) => ValidationResult;

/**
 * Renders issues on one line for error messages and logs.
 *
 * @example
 *   describeIssues([{ path: 'data.title', message: 'required' }]); // 'data.title: required'
 */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
}
