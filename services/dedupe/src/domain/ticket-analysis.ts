import { extractIdentifiers, tokenizeWords, wordBigrams } from './text-analysis';

/** What the dedupe service indexes of a ticket. */
export interface TicketText {
  readonly title: string;
  readonly description: string;
}

/**
 * The fields two tickets are compared on. `words` is the whole report (title and description); the title
 * also stands alone because reporters of one problem often phrase its one-line summary alike.
 */
export const fieldNames = ['title', 'words', 'identifiers', 'bigrams'] as const;
export type FieldName = (typeof fieldNames)[number];

/** Term counts per field. */
export type AnalyzedTicket = Readonly<Record<FieldName, ReadonlyMap<string, number>>>;

export function analyzeTicket(ticket: TicketText): AnalyzedTicket {
  const titleWords = tokenizeWords(ticket.title);
  const descriptionWords = tokenizeWords(ticket.description);
  return {
    title: countTerms(titleWords),
    words: countTerms([...titleWords, ...descriptionWords]),
    identifiers: countTerms(extractIdentifiers(`${ticket.title}\n${ticket.description}`)),
    // Title and description bigrams are counted apart so no pair straddles the two.
    bigrams: countTerms([...wordBigrams(titleWords), ...wordBigrams(descriptionWords)]),
  };
}

function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

// Sentence encoders read the opening of a report best, and their cost grows with its length.
const embeddingInputLimit = 2000;

/** The text a sentence-embedding model sees of a ticket. */
export function embeddingInput(ticket: TicketText): string {
  return `${ticket.title}\n${ticket.description}`.slice(0, embeddingInputLimit);
}
