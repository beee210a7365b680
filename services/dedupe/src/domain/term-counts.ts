// The index keeps a count for every term of every document twice (with the document, and in the term's
// postings), and almost all counts are small: each is stored in one byte. A count one byte does not hold (255
// and up, or anything but a positive integer) is stored as `largeCountByte` and kept exactly in `LargeCounts`.

export const largeCountByte = 255;

/** The byte that stores a term's count in a document. */
export function countByte(count: number): number {
  return Number.isInteger(count) && count >= 1 && count < largeCountByte ? count : largeCountByte;
}

/** A stored term's sublinear frequency, 1 + ln(count), held to 32-bit precision. */
export function storedFrequency(count: number): number {
  return Math.fround(1 + Math.log(count));
}

/** `storedFrequency` of each count a byte holds, indexed by that byte (0 is never stored). */
export const frequencyOfCountByte: Float64Array = Float64Array.from({ length: largeCountByte }, (_, count) =>
  count === 0 ? 0 : storedFrequency(count),
);

/** The exact counts of the terms whose count byte is `largeCountByte`, by document number and term id. */
export class LargeCounts {
  private readonly byDocument = new Map<number, Map<number, number>>();

  set(documentNumber: number, termId: number, count: number): void {
    let counts = this.byDocument.get(documentNumber);
    if (counts === undefined) {
      counts = new Map();
      this.byDocument.set(documentNumber, counts);
    }
    counts.set(termId, count);
  }

  frequency(documentNumber: number, termId: number): number {
    const count = this.byDocument.get(documentNumber)?.get(termId);
    if (count === undefined) throw new Error(`no large count of term ${termId} in document ${documentNumber}`);
    return storedFrequency(count);
  }

  forget(documentNumber: number): void {
    this.byDocument.delete(documentNumber);
  }
}
