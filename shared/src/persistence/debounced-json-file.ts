/**
 * State a service keeps on local disk (its DATA_DIR), written atomically (temp file + rename) and at most
 * once per `delayMs`, so a burst of changes costs one write.
 *
 * @example
 *   const file = new DebouncedJsonFile('/data/dedupe/index.json', () => index.snapshot());
 *   const stored = DebouncedJsonFile.read<Snapshot>('/data/dedupe/index.json');
 *   index.onChange(() => file.changed());
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DebouncedJsonFile<T> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly current: () => T,
    private readonly delayMs = 1000,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  /** The stored value; null when nothing was stored yet. */
  static read<T>(file: string): T | null {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Schedules a write of the current value. */
  changed(): void {
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  /** Writes the current value now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.current()));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
