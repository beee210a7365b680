import type { Priority } from './types';

export interface SimilarTicket {
  readonly ticketId: string;
  readonly title: string;
  readonly similarity: number;
  readonly resolutionHours?: number;
}

export interface StepsInput {
  readonly title: string;
  readonly description: string;
  readonly priority: Priority;
  readonly category: string | null;
  /** Labelled tickets most similar first. */
  readonly similar: readonly SimilarTicket[];
}

const maxSteps = 5;
const likelyDuplicate = 0.8;
const worthComparing = 0.35;

// Signals read from the ticket's own text; each asks for what a responder would otherwise ask for next.
const signals = {
  security: /\b(security|vulnerab\w*|exploit\w*|cve-\d+|breach\w*|leak(ed|s)? (credentials|passwords?|tokens?|keys?)|unauthori[sz]ed access)\b/i,
  dataAtRisk: /\b(data loss|lost (all |my )?data|corrupt\w*|deleted (all|my)|missing (data|records|files))\b/i,
  failure: /\b(exception|stack ?trace|traceback|error|errno|segfault|panic|crash\w*|npe)\b|^\s+at [\w.$]+\(/im,
  reproduction: /\b(steps to reproduce|repro(duce|duction)?( steps)?|to reproduce|how to reproduce)\b|^\s*1[.)]\s/im,
  version: /\bv?\d+\.\d+(\.\d+)?\b|\bversion\b/i,
  question: /\?\s*$|^\s*(how|what|why|where|when|is there|can i|does)\b/im,
  request: /\b(feature request|would be (nice|great|useful)|please add|add (an? )?(option|support)|support for|enhancement|it would help)\b/i,
} as const;

function routing(priority: Priority, queue: string): string {
  switch (priority) {
    case 'critical':
      return `Acknowledge now and page the on-call owner of ${queue}; post status updates until it is mitigated.`;
    case 'high':
      return `Assign to ${queue} for action today.`;
    case 'medium':
      return `Queue in ${queue} for the next working day.`;
    case 'low':
      return `Add to the backlog of ${queue}; batch it with similar low-priority work.`;
    default: {
      const _exhaustive: never = priority;
      return _exhaustive;
    }
  }
}

/**
 * Short, deterministic next steps for a responder: safety first (security, data), then routing by
 * priority and category, then what is missing from the report, then what similar tickets teach.
 */
export function recommendSteps(input: StepsInput): string[] {
  const text = `${input.title}\n${input.description}`;
  const queue = input.category ? `the ${input.category} queue` : 'the right team';
  const steps: string[] = [];
  if (signals.security.test(text)) steps.push('Treat as a security report: restrict who can see it and involve the security contact.');
  if (signals.dataAtRisk.test(text)) steps.push('Protect the affected data first (backup or snapshot) before trying any fix.');
  steps.push(routing(input.priority, queue));

  const [closest] = input.similar;
  if (closest && closest.similarity >= likelyDuplicate) {
    steps.push(`Check whether it duplicates ${closest.ticketId} ("${closest.title}"), ${percent(closest.similarity)} similar.`);
  }
  const resolved = input.similar.find((t) => t.resolutionHours !== undefined && t.similarity >= worthComparing);
  if (resolved) {
    steps.push(`Reuse what resolved ${resolved.ticketId} ("${resolved.title}"), ${percent(resolved.similarity)} similar; it took ${resolved.resolutionHours} h.`);
  }

  if (signals.request.test(text)) {
    steps.push('Record the use case and expected behaviour, then put it to the product backlog.');
  } else if (signals.question.test(input.title) && !signals.failure.test(text)) {
    steps.push('Answer with a pointer to the relevant documentation; add to the docs if the question recurs.');
  } else {
    if (signals.failure.test(text)) steps.push('Collect the full error message, stack trace and logs around the failure.');
    if (!signals.reproduction.test(text)) steps.push('Ask for exact steps to reproduce, with expected and actual results.');
    if (!signals.version.test(text)) steps.push('Confirm the affected version and environment.');
  }
  if (!resolved && closest && closest.similarity >= worthComparing && closest.similarity < likelyDuplicate) {
    steps.push(`Compare with ${closest.ticketId} ("${closest.title}"), ${percent(closest.similarity)} similar.`);
  }
  return steps.slice(0, maxSteps);
}

const percent = (similarity: number) => `${Math.round(similarity * 100)}%`;
