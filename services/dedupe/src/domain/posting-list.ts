/**
 * The documents holding one term, with the term's sublinear frequency in each. Most terms (rare bigrams
 * and identifiers) occur in one document, so the first entry is kept inline and typed arrays are only
 * allocated for a second. Removed documents stay as holes until they are half the list, then the list is
 * compacted, so removal is amortised O(1).
 */
export class PostingList {
  private firstDocumentNumber = 0;
  private firstFrequency = 0;
  private documentNumbers: Int32Array | undefined;
  private frequencies: Float32Array | undefined;
  private length = 0;
  private holes = 0;

  get size(): number {
    return this.length;
  }

  add(documentNumber: number, frequency: number): void {
    if (this.length === 0) {
      this.firstDocumentNumber = documentNumber;
      this.firstFrequency = frequency;
    } else {
      const { documentNumbers, frequencies } = this.arraysWithRoom();
      documentNumbers[this.length] = documentNumber;
      frequencies[this.length] = frequency;
    }
    this.length += 1;
  }

  documentNumberAt(position: number): number {
    return position === 0 ? this.firstDocumentNumber : this.documentNumbers![position]!;
  }

  frequencyAt(position: number): number {
    return position === 0 ? this.firstFrequency : this.frequencies![position]!;
  }

  /** Called after `isLive` turned false for one of this list's documents. */
  noteRemoved(isLive: (documentNumber: number) => boolean): void {
    this.holes += 1;
    if (this.holes * 2 > this.length) this.compact(isLive);
  }

  private arraysWithRoom(): { documentNumbers: Int32Array; frequencies: Float32Array } {
    const capacity = this.documentNumbers?.length ?? 0;
    if (this.documentNumbers === undefined || this.frequencies === undefined || this.length === capacity) {
      const documentNumbers = new Int32Array(Math.max(4, capacity * 2));
      const frequencies = new Float32Array(documentNumbers.length);
      if (this.documentNumbers !== undefined && this.frequencies !== undefined) {
        documentNumbers.set(this.documentNumbers);
        frequencies.set(this.frequencies);
      }
      this.documentNumbers = documentNumbers;
      this.frequencies = frequencies;
    }
    return { documentNumbers: this.documentNumbers, frequencies: this.frequencies };
  }

  private compact(isLive: (documentNumber: number) => boolean): void {
    const entries: { documentNumber: number; frequency: number }[] = [];
    for (let position = 0; position < this.length; position += 1) {
      const documentNumber = this.documentNumberAt(position);
      if (isLive(documentNumber)) entries.push({ documentNumber, frequency: this.frequencyAt(position) });
    }
    this.length = 0;
    this.holes = 0;
    this.documentNumbers = undefined;
    this.frequencies = undefined;
    for (const entry of entries) this.add(entry.documentNumber, entry.frequency);
  }
}
