import { closeSync, fdatasync, fdatasyncSync, fstatSync, openSync, writeSync } from 'node:fs';

/**
 * One append-only journal file. `flush` hands records to the OS before a command replies, so an
 * acknowledged write survives the process being killed; `sync` (periodic, or on `j: true`) makes
 * it survive a power loss too, like mongod's journal commit interval.
 */
export class JournalFile {
  private pending: Buffer[] = [];
  private unsynced = false;
  private syncing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly fd: number,
    /** Bytes written so far (the file's size). */
    public bytes: number,
  ) {}

  static open(path: string): JournalFile {
    const fd = openSync(path, 'a');
    return new JournalFile(fd, fstatSync(fd).size);
  }

  append(record: Buffer): void {
    this.pending.push(record);
  }

  /** Writes appended records to the file (synchronously: the reply waits for it). */
  flush(): void {
    if (this.pending.length === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written);
    this.bytes += data.length;
    this.unsynced = true;
  }

  syncNow(): void {
    this.flush();
    if (!this.unsynced) return;
    fdatasyncSync(this.fd);
    this.unsynced = false;
  }

  /** Forces written records to disk without blocking the event loop. */
  syncInBackground(): Promise<void> {
    if (this.syncing || this.closed) return this.syncing ?? Promise.resolve();
    if (!this.unsynced) return Promise.resolve();
    this.unsynced = false;
    this.syncing = new Promise<void>((resolve, reject) => {
      fdatasync(this.fd, (error) => {
        this.syncing = undefined;
        if (error) {
          this.unsynced = true;
          reject(error);
        } else {
          resolve();
        }
      });
    });
    return this.syncing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.syncing;
    this.syncNow();
    this.closed = true;
    closeSync(this.fd);
  }
}
