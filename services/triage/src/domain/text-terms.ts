import { fnv1a, fnvStep } from './hashing';
import { declaredKind } from './declared-kind';
import { textCues } from './text-cues';
import type { TicketText } from './types';
import { wordTokens } from './tokens';

/**
 * Term counts of a ticket, keyed by `termBlock * 2^32 + hash` so each block can be weighted on its own.
 * Kept as typed arrays because every labelled ticket's terms stay in memory for refits.
 */
export interface TermCounts {
  readonly keys: Float64Array;
  readonly counts: Float32Array;
}

export const termBlocks = ['titleWords', 'words', 'chars', 'cues', 'declared'] as const;
export type TermBlock = (typeof termBlocks)[number];

const blockSpan = 2 ** 32;
export const blockIndexOf = (key: number): number => Math.floor(key / blockSpan);

// Character n-grams catch spelling variants, inflections and identifiers that words miss. The body is
// capped because stack traces and logs add cost, not signal, past the first few paragraphs.
const charGramSizes = { min: 3, max: 5 };
const charGramTextLimit = 3000;

/**
 * Hashed unigram+bigram counts of the title (templates such as "[Bug]" live there) and of title+description,
 * word-bounded character 3-5-grams of title+description, and the ticket's `textCues`. The words and
 * character n-grams read what the reporter wrote (`reporterText`); the cues read the whole description.
 * The kind of report the reporter declared in an issue form (`declaredKind`) is a block of its own.
 */
export function extractTerms(ticket: Pick<TicketText, 'title' | 'description'>): TermCounts {
  const terms = new Map<number, number>();
  const titleWords = wordTokens(ticket.title);
  const description = reporterText(ticket.description);
  const words = [...titleWords, ...wordTokens(description)];
  addWordGrams(terms, 0, titleWords);
  addTitleShape(terms, 0, ticket.title, titleWords);
  addWordGrams(terms, 1, words);
  addCharGrams(terms, 2, wordTokens(`${ticket.title}\n${description.slice(0, charGramTextLimit)}`));
  for (const cue of textCues(ticket.title, ticket.description)) add(terms, 3, fnv1a(cue));
  const declared = declaredKind(ticket.description);
  if (declared) add(terms, 4, fnv1a(declared));
  return { keys: Float64Array.from(terms.keys()), counts: Float32Array.from(terms.values()) };
}

/**
 * The description without HTML comments: issue templates put their instructions there ("Please search
 * existing issues", "Describe the feature you'd like"), the same words whatever the reporter goes on to
 * write, and they outweighed it. Which template was chosen still counts, through `textCues`.
 * Cross-validated inside the learned part (scripts/eval/triage-cv.ts, 8 × 5-fold): GitHub bug/feature/question
 * macro-F1 0.726 → 0.732 (6 of 8 repeats up); Jira and CFPB tickets carry
 * no such comments.
 */
export function reporterText(description: string): string {
  return description.replace(/<!--[\s\S]*?(?:-->|$)/g, ' ');
}

function add(terms: Map<number, number>, block: number, hash: number): void {
  const key = block * blockSpan + hash;
  terms.set(key, (terms.get(key) ?? 0) + 1);
}

function addWordGrams(terms: Map<number, number>, block: number, words: readonly string[]): void {
  words.forEach((word, i) => {
    add(terms, block, fnv1a(word));
    if (i > 0) add(terms, block, fnv1a(`${words[i - 1]!} ${word}`));
  });
}

// How a title opens ("How to", "Add", "Crash when") and whether it asks something tell a question from a
// request from a defect better than its topic words do.
function addTitleShape(terms: Map<number, number>, block: number, title: string, titleWords: readonly string[]): void {
  if (titleWords[0]) add(terms, block, fnv1a(`^${titleWords[0]}`));
  if (titleWords[1]) add(terms, block, fnv1a(`^${titleWords[0]} ${titleWords[1]}`));
  if (title.includes('?')) add(terms, block, fnv1a('?'));
}

function addCharGrams(terms: Map<number, number>, block: number, words: readonly string[]): void {
  for (const word of words) {
    const padded = ` ${word} `;
    for (let start = 0; start + charGramSizes.min <= padded.length; start++) {
      let hash = fnv1a('#');
      for (let end = start; end < padded.length && end - start < charGramSizes.max; end++) {
        hash = fnvStep(hash, padded.charCodeAt(end));
        if (end - start + 1 >= charGramSizes.min) add(terms, block, hash);
      }
    }
  }
}
