import type { Priority } from './types';

interface PriorityRule {
  readonly priority: Priority;
  readonly pattern: RegExp;
}

// Checked most urgent first; the first match decides. Phrases support desks escalate on sight.
const rules: readonly PriorityRule[] = [
  {
    priority: 'critical',
    pattern:
      /\b(production (is )?down|outage|data loss|lost (all )?data|data corruption|corrupt(ed|s)? data|security (hole|issue|vulnerability|breach)|vulnerab\w*|breach(ed)?|cve-\d+|(site|service|system|server|cluster) (is )?down|all users|everyone is affected)\b/i,
  },
  {
    priority: 'high',
    pattern: /\b(crash(es|ed|ing)?|deadlock(s|ed)?|hangs?|hung|cannot (log ?in|access|start)|can't (log ?in|access|start)|fails? to start|unable to (log ?in|access)|blocked|urgent|asap|charged twice|fraud\w*|unauthori[sz]ed)\b/i,
  },
  {
    priority: 'low',
    pattern: /\b(typos?|spelling|cosmetic|javadoc|documentation|docs?|readme|feature request|would be nice|nice to have|how (do|can) i|question|suggestion|minor)\b/i,
  },
];

/** Confidence of a keyword-rule decision: a hint while nothing better is known, not a learned probability. */
export const ruleConfidence = { matched: 0.4, fallback: 0.25 } as const;

/** The priority keyword rules suggest for a ticket; `medium` when no rule matches. */
export function priorityByRules(text: string): { priority: Priority; confidence: number } {
  const rule = rules.find(({ pattern }) => pattern.test(text));
  return rule ? { priority: rule.priority, confidence: ruleConfidence.matched } : { priority: 'medium', confidence: ruleConfidence.fallback };
}
