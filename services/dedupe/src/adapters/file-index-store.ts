/**
 * Keeps the dedupe index on local disk (DATA_DIR locally): the indexed documents and the version applied
 * per ticket, written atomically and at most once per `delayMs`, so a burst of events costs one write.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DedupeSnapshot } from '../domain/duplicate-detector';
import type { DedupeStorage, IndexState } from '../application/dedupe-service';

interface StoredIndex {
  snapshot: DedupeSnapshot;
  state: IndexState;
}

export class FileIndexStore implements DedupeStorage {
  private timer: NodeJS.Timeout | undefined;
  private readonly file: string;

  constructor(
    directory: string,
    private readonly current: () => StoredIndex,
    private readonly delayMs = 1000,
  ) {
    mkdirSync(directory, { recursive: true });
    this.file = path.join(directory, 'dedupe-index.json');
  }

  static load(directory: string): StoredIndex | null {
    try {
      return JSON.parse(readFileSync(path.join(directory, 'dedupe-index.json'), 'utf8')) as StoredIndex;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  changed(): void {
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.current()));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
