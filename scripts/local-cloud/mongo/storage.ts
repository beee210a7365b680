import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Catalog } from './catalog';
import type { CapturedCollection, JournalSink } from './catalog';
import { JournalFile } from './journal';
import { decodeRecords, encodePut, encodeRecord } from './record-codec';
import type { JournalRecord } from './record-codec';

/** Another server (in this or another live process) already uses the data directory. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string, holder: string) {
    super(`data directory ${dataDir} is in use by ${holder}`);
    this.name = 'DataDirLockedError';
  }
}

/** Compact once the journal outgrows both this and the last snapshot. */
const MIN_COMPACTION_BYTES = 16 * 1024 * 1024;
/** How often written journal records are forced to disk (mongod's default commit interval). */
const SYNC_INTERVAL_MS = 100;
/** Snapshot bytes encoded between event-loop turns while compacting. */
const SNAPSHOT_CHUNK_BYTES = 4 * 1024 * 1024;

const lockedDirs = new Set<string>();

const snapshotFile = (generation: number): string => `snapshot-${generation}.bson`;
const journalFile = (generation: number): string => `journal-${generation}.bson`;
const FILE_PATTERN = /^(snapshot|journal)-(\d+)\.bson$/;

/**
 * The data directory: generation N holds `snapshot-N.bson` (the whole state when generation N
 * began) and `journal-N.bson` (changes since). Recovery loads the newest complete snapshot and
 * replays every journal of that generation or later, so a crash during compaction loses nothing.
 */
export class Storage implements JournalSink {
  private journal: JournalFile;
  private compaction: Promise<void> | undefined;
  private snapshotBytes = 0;
  private failure: Error | undefined;
  private readonly syncTimer: NodeJS.Timeout;

  private constructor(
    private readonly dataDir: string,
    private generation: number,
    private readonly catalog: Catalog,
    private readonly releaseLock: () => void,
  ) {
    this.journal = JournalFile.open(join(dataDir, journalFile(generation)));
    this.syncTimer = setInterval(() => {
      this.journal.syncInBackground().catch((error: unknown) => this.fail(error));
    }, SYNC_INTERVAL_MS);
    this.syncTimer.unref();
  }

  /** Locks the directory, recovers the catalog from it and starts journaling. */
  static open(dataDir: string): { storage: Storage; catalog: Catalog } {
    mkdirSync(dataDir, { recursive: true });
    const releaseLock = acquireLock(dataDir);
    try {
      const catalog = new Catalog();
      const { generation, replayedRecords, snapshotBytes } = recover(dataDir, catalog);
      const storage = new Storage(dataDir, generation, catalog, releaseLock);
      storage.snapshotBytes = snapshotBytes;
      catalog.attachJournal(storage);
      if (replayedRecords > 0) storage.startCompaction();
      return { storage, catalog };
    } catch (error) {
      releaseLock();
      throw error;
    }
  }

  /** Set when the journal could not be written: the server must stop acknowledging writes. */
  get failed(): Error | undefined {
    return this.failure;
  }

  append(record: JournalRecord): void {
    this.journal.append(encodeRecord(record));
  }

  /** Makes the records of the command just run durable before its reply goes out. */
  commit(options: { sync: boolean }): void {
    try {
      if (options.sync) this.journal.syncNow();
      else this.journal.flush();
    } catch (error) {
      this.fail(error);
      throw error;
    }
    if (!this.compaction && this.journal.bytes > Math.max(MIN_COMPACTION_BYTES, this.snapshotBytes)) this.startCompaction();
  }

  async close(): Promise<void> {
    clearInterval(this.syncTimer);
    try {
      await this.compaction;
      await this.journal.close();
    } finally {
      this.releaseLock();
    }
  }

  /** Writes a new snapshot of the current state in the background and drops the files it supersedes. */
  private startCompaction(): void {
    this.compaction ??= this.writeNextGeneration()
      // A failed compaction leaves the previous snapshot and journals in place; the next one retries.
      .catch((error: unknown) => console.error('embedded mongo: snapshot compaction failed', error))
      .finally(() => (this.compaction = undefined));
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
  }

  private async writeNextGeneration(): Promise<void> {
    // Capturing the state and switching journals happen in one synchronous step, so every later
    // change lands in the new journal and nothing is in neither.
    const captured = this.catalog.capture();
    const previous = this.journal;
    const generation = this.generation + 1;
    this.journal = JournalFile.open(join(this.dataDir, journalFile(generation)));
    this.generation = generation;
    await previous.close();
    this.snapshotBytes = await writeSnapshot(join(this.dataDir, snapshotFile(generation)), captured);
    removeGenerationsBefore(this.dataDir, generation);
  }
}

function acquireLock(dataDir: string): () => void {
  const key = resolve(dataDir);
  if (lockedDirs.has(key)) throw new DataDirLockedError(dataDir, 'another embedded server in this process');
  const lockPath = join(dataDir, 'mongod.lock');
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lockPath, 'utf8'));
    // A lock left by a crashed process is stale; one held by a live process is not.
    if (holder && holder !== process.pid && isAlive(holder)) throw new DataDirLockedError(dataDir, `process ${holder}`);
    writeFileSync(lockPath, String(process.pid));
  }
  lockedDirs.add(key);
  return () => {
    lockedDirs.delete(key);
    rmSync(lockPath, { force: true });
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function generationsOf(dataDir: string): { snapshots: number[]; journals: number[] } {
  const snapshots: number[] = [];
  const journals: number[] = [];
  for (const name of readdirSync(dataDir)) {
    if (name.endsWith('.tmp')) {
      rmSync(join(dataDir, name), { force: true });
      continue;
    }
    const match = FILE_PATTERN.exec(name);
    if (!match) continue;
    (match[1] === 'snapshot' ? snapshots : journals).push(Number(match[2]));
  }
  const ascending = (a: number, b: number): number => a - b;
  return { snapshots: snapshots.sort(ascending), journals: journals.sort(ascending) };
}

function recover(dataDir: string, catalog: Catalog): { generation: number; replayedRecords: number; snapshotBytes: number } {
  const { snapshots, journals } = generationsOf(dataDir);
  const base = snapshots[snapshots.length - 1] ?? 0;
  const replay = catalog.replay();
  let snapshotBytes = 0;
  if (snapshots.length > 0) {
    const path = join(dataDir, snapshotFile(base));
    const data = readFileSync(path);
    // Snapshots are renamed into place only once complete, so a short one means real corruption.
    if (decodeRecords(data, (record) => replay.apply(record)) !== data.length) {
      throw new Error(`embedded mongo: snapshot ${path} is corrupt`);
    }
    snapshotBytes = data.length;
  }
  let replayedRecords = 0;
  const replayed = journals.filter((generation) => generation >= base);
  for (const generation of replayed) {
    const path = join(dataDir, journalFile(generation));
    const data = readFileSync(path);
    const intact = decodeRecords(data, (record) => {
      replay.apply(record);
      replayedRecords++;
    });
    // A record torn by a crash was never acknowledged: cut it off so appends continue cleanly.
    if (intact < data.length) truncateSync(path, intact);
  }
  replay.finish();
  removeGenerationsBefore(dataDir, base);
  return { generation: Math.max(base, ...replayed), replayedRecords, snapshotBytes };
}

function removeGenerationsBefore(dataDir: string, generation: number): void {
  const { snapshots, journals } = generationsOf(dataDir);
  for (const old of snapshots.filter((g) => g < generation)) rmSync(join(dataDir, snapshotFile(old)), { force: true });
  for (const old of journals.filter((g) => g < generation)) rmSync(join(dataDir, journalFile(old)), { force: true });
}

function* snapshotRecords(captured: readonly CapturedCollection[]): Generator<Buffer> {
  for (const { db, coll, uuid, indexes, docs } of captured) {
    yield encodeRecord({ op: 'createCollection', db, coll, uuid });
    for (const doc of docs) yield encodePut(db, coll, doc);
    // Indexes last: recovery then builds each in one sort instead of one insert per document.
    for (const spec of indexes) yield encodeRecord({ op: 'createIndex', db, coll, spec });
  }
}

/** Writes a snapshot to a temporary file in chunks, syncs it, then renames it into place. */
async function writeSnapshot(path: string, captured: readonly CapturedCollection[]): Promise<number> {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  let bytes = 0;
  try {
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (const encoded of snapshotRecords(captured)) {
      chunk.push(encoded);
      chunkBytes += encoded.length;
      if (chunkBytes >= SNAPSHOT_CHUNK_BYTES) {
        await file.write(Buffer.concat(chunk));
        bytes += chunkBytes;
        chunk = [];
        chunkBytes = 0;
      }
    }
    await file.write(Buffer.concat(chunk));
    bytes += chunkBytes;
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  syncDirectory(dirname(path));
  return bytes;
}

/** Makes a rename durable (the directory entry itself must reach the disk). */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
