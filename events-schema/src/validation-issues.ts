import type { ErrorObject } from 'ajv';

/**
 * One reason an envelope is invalid: where (a dotted path into the envelope, e.g. `data.ticket.priority`; '' for
 * the envelope itself) and what is wrong there. Same shape as `ValidationIssue` in `@cogdesk/shared`.
 */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** An issue still keyed by JSON Pointer, with the allowed values kept apart so alternatives can be combined. */
interface Finding {
  pointer: string;
  message: string;
  allowed?: unknown[];
  /** Failed a `const`: in a oneOf of tagged objects, that is a branch whose tag does not match. */
  fromConst?: boolean;
}

/**
 * Turns Ajv's errors (from a validator with `allErrors: false`, so they describe a single failure) into issues a
 * person can act on. A nullable field (`anyOf: [X, null]`) or a tagged union (`oneOf` by `field`) makes Ajv report
 * every alternative; this keeps the alternative that applies, or merges them into one "must be one of" message.
 */
export function describeAjvErrors(errors: readonly ErrorObject[]): ValidationIssue[] {
  const findings: Finding[] = [];
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      // Ajv reports an alternative's errors just before the anyOf/oneOf error itself.
      let start = findings.length;
      while (start > 0 && isWithin(findings[start - 1]?.pointer ?? '', error.instancePath)) start -= 1;
      findings.push(...summarise(error, findings.splice(start)));
    } else {
      findings.push(findingOf(error));
    }
  }
  return mergeByPointer(findings).map(({ pointer, message }) => ({ path: dottedPath(pointer), message }));
}

function summarise(error: ErrorObject, alternatives: Finding[]): Finding[] {
  const at = error.instancePath;
  // A branch rejected only for its tag (e.g. `field` is not "title") says nothing about this value.
  const isTagMismatch = (finding: Finding) => finding.fromConst === true && parentOf(finding.pointer) === at;
  const relevant = alternatives.some((finding) => !isTagMismatch(finding))
    ? alternatives.filter((finding) => !isTagMismatch(finding))
    : alternatives;
  // A complaint from inside the value means it had the shape of that alternative: that one applies.
  const inside = relevant.filter((finding) => finding.pointer !== at);
  const chosen = inside.length > 0 ? inside : relevant;
  return chosen.length > 0 ? chosen : [{ pointer: at, message: error.message ?? `fails ${error.keyword}` }];
}

function findingOf(error: ErrorObject): Finding {
  const pointer = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return {
        pointer: child(pointer, (error.params as { missingProperty: string }).missingProperty),
        message: 'required',
      };
    case 'additionalProperties':
      return {
        pointer: child(pointer, (error.params as { additionalProperty: string }).additionalProperty),
        message: 'unknown field',
      };
    case 'enum':
      return allowedFinding(pointer, (error.params as { allowedValues: unknown[] }).allowedValues);
    case 'const':
      return {
        ...allowedFinding(pointer, [(error.params as { allowedValue: unknown }).allowedValue]),
        fromConst: true,
      };
    case 'type':
      if ((error.params as { type: string }).type === 'null') return allowedFinding(pointer, [null]);
      return { pointer, message: error.message ?? 'has the wrong type' };
    default:
      return { pointer, message: error.message ?? `fails ${error.keyword}` };
  }
}

function allowedFinding(pointer: string, allowed: unknown[]): Finding {
  const values = allowed.map((value) => JSON.stringify(value)).join(', ');
  return { pointer, allowed, message: allowed.length === 1 ? `must be ${values}` : `must be one of ${values}` };
}

/** One issue per place: allowed values are pooled, other messages joined with "or". */
function mergeByPointer(findings: Finding[]): Finding[] {
  const byPointer = new Map<string, Finding[]>();
  for (const finding of findings) byPointer.set(finding.pointer, [...(byPointer.get(finding.pointer) ?? []), finding]);
  return [...byPointer].map(([pointer, group]) => {
    if (group.every((finding) => finding.allowed !== undefined)) {
      const values = group.flatMap((finding) => finding.allowed ?? []);
      return allowedFinding(pointer, [...new Map(values.map((value) => [JSON.stringify(value), value])).values()]);
    }
    return { pointer, message: [...new Set(group.map((finding) => finding.message))].join(' or ') };
  });
}

function isWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

function parentOf(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

function child(pointer: string, key: string): string {
  return `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

function dottedPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}
