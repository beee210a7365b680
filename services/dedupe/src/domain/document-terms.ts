import { withRoom } from './typed-arrays';

// Documents are stored in pages of this many consecutive document numbers: only the last page grows, and
// compacting one copies a small part of all terms.
const pageShift = 10;

interface Page {
  termIds: Int32Array;
  countBytes: Uint8Array;
  end: number;
  unused: number;
}

/**
 * The terms of every indexed document, by document number: a fixed number of segments per document (one
 * per field, say), each a run of term ids with a count byte apiece. A document's terms are written once and
 * only read after, so they are packed into pages of typed arrays, a page per 1,024 consecutive document
 * numbers. A removed document's run stays unused until it is half of its page, then the page is compacted.
 */
export class DocumentTerms {
  // Per document: where in its page each segment starts, then where the last one ends; all 0 once removed.
  private bounds = new Int32Array(0);
  private readonly pages: Page[] = [];

  constructor(private readonly segments: number) {}

  /** The term ids of the document's page (read a segment from `segmentStart` to `segmentEnd`). */
  termIdsOf(documentNumber: number): Int32Array {
    return this.pages[documentNumber >> pageShift]!.termIds;
  }

  /** The count bytes of the document's page, parallel to `termIdsOf`. */
  countBytesOf(documentNumber: number): Uint8Array {
    return this.pages[documentNumber >> pageShift]!.countBytes;
  }

  /**
   * Stores a document's terms, the segments one after the other in `termIds` (with `countBytes` alongside),
   * segment `s` ending at `segmentEnds[s]`. Document numbers must be new and ascending.
   */
  add(documentNumber: number, termIds: ArrayLike<number>, countBytes: ArrayLike<number>, segmentEnds: readonly number[]): void {
    const pageIndex = documentNumber >> pageShift;
    while (this.pages.length <= pageIndex) {
      // A page is complete once the next one starts: it gives back its room to grow.
      if (this.pages.length > 0) this.repack(this.pages.length - 1);
      this.pages.push({ termIds: new Int32Array(0), countBytes: new Uint8Array(0), end: 0, unused: 0 });
    }
    const page = this.pages[pageIndex]!;
    const length = termIds.length;
    page.termIds = withRoom(page.termIds, page.end + length);
    page.countBytes = withRoom(page.countBytes, page.end + length);
    page.termIds.set(termIds, page.end);
    page.countBytes.set(countBytes, page.end);
    const stride = this.segments + 1;
    this.bounds = withRoom(this.bounds, (documentNumber + 1) * stride);
    const at = documentNumber * stride;
    this.bounds[at] = page.end;
    for (let segment = 0; segment < this.segments; segment += 1) this.bounds[at + segment + 1] = page.end + segmentEnds[segment]!;
    page.end += length;
  }

  segmentStart(documentNumber: number, segment: number): number {
    return this.bounds[documentNumber * (this.segments + 1) + segment]!;
  }

  segmentEnd(documentNumber: number, segment: number): number {
    return this.bounds[documentNumber * (this.segments + 1) + segment + 1]!;
  }

  remove(documentNumber: number): void {
    const stride = this.segments + 1;
    const at = documentNumber * stride;
    const pageIndex = documentNumber >> pageShift;
    const page = this.pages[pageIndex]!;
    page.unused += this.bounds[at + this.segments]! - this.bounds[at]!;
    this.bounds.fill(0, at, at + stride);
    if (page.unused * 2 > page.end && pageIndex < this.pages.length - 1) this.repack(pageIndex);
  }

  // Copies the page into arrays of its size, without the runs of removed documents.
  private repack(pageIndex: number): void {
    const page = this.pages[pageIndex]!;
    const live = page.end - page.unused;
    const termIds = new Int32Array(live);
    const countBytes = new Uint8Array(live);
    if (page.unused === 0) {
      termIds.set(page.termIds.subarray(0, live));
      countBytes.set(page.countBytes.subarray(0, live));
    } else {
      const stride = this.segments + 1;
      let end = 0;
      for (let documentNumber = pageIndex << pageShift; documentNumber < (pageIndex + 1) << pageShift; documentNumber += 1) {
        const at = documentNumber * stride;
        if (at >= this.bounds.length) break;
        const start = this.bounds[at]!;
        const length = this.bounds[at + this.segments]! - start;
        if (length === 0) continue;
        termIds.set(page.termIds.subarray(start, start + length), end);
        countBytes.set(page.countBytes.subarray(start, start + length), end);
        for (let segment = 0; segment <= this.segments; segment += 1) this.bounds[at + segment]! += end - start;
        end += length;
      }
    }
    page.termIds = termIds;
    page.countBytes = countBytes;
    page.end = live;
    page.unused = 0;
  }
}
