/**
 * State a service keeps on local disk (its DATA_DIR), written atomically (temp file + rename) and at most
 * once per `delayMs`, so a burst of changes costs one write. A write blocks the event loop for as long as
 * it takes to serialise the whole value, so as the value grows the writes space out: the delay is at least
 * `writeShareInverse` times the last write's duration, keeping writing to a bounded share of the time
 * (a 100k-ticket index written every second would otherwise leave little time for anything else).
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
  private lastWriteMs = 0;

  constructor(
    private readonly file: string,
    private readonly current: () => T,
    private readonly delayMs = 1000,
    private readonly writeShareInverse = 20,
    private readonly clock: () => number = () => performance.now(),
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
    this.timer ??= setTimeout(() => this.flush(), Math.max(this.delayMs, this.lastWriteMs * this.writeShareInverse));
    this.timer.unref();
  }

  /** Writes the current value now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const started = this.clock();
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.current()));
    renameSync(`${this.file}.tmp`, this.file);
    this.lastWriteMs = this.clock() - started;
  }
}
