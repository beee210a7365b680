import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionRecord, StateMachineRecord } from './execution-record';

/**
 * Persists state machines (a JSON file each) and executions under `dataDir`; without one, nothing is
 * written. Executions go to one JSON-lines journal, `executions.jsonl`: a line when one starts, then a line
 * per history event. Writes are synchronous appends to a descriptor kept open, so the file order is the
 * history order, even across a crash, and an event costs one write (a file per execution cost an open,
 * a close and a directory check per event: a sixth of the backend's CPU while tickets poured in).
 * Executions in the earlier one-file-each layout (`executions/<machine>/<name>.jsonl`) are still read.
 */
export class LocalStepFunctionsStore {
  private journal: number | undefined;

  constructor(private readonly dataDir?: string) {}

  loadStateMachines(): StateMachineRecord[] {
    return readdirOf(this.dataDir && path.join(this.dataDir, 'state-machines')).map((file) => {
      const record = JSON.parse(readFileSync(file, 'utf8')) as StateMachineRecord & { creationDate: string };
      return { ...record, creationDate: new Date(record.creationDate) };
    });
  }

  saveStateMachine(record: StateMachineRecord): void {
    const file = this.stateMachineFile(record.name);
    if (file) writeFileSync(file, JSON.stringify(record, null, 2));
  }

  loadExecutions(): ExecutionRecord[] {
    const records = new Map<string, ExecutionRecord>();
    const add = (header: StoredHeader, events: StoredEvent[]) =>
      records.set(header.executionArn, { ...header, startDate: new Date(header.startDate), events: events.map(eventFromJson) });
    // The earlier layout: a file per execution, a header line then its events.
    for (const file of readdirOf(this.dataDir && path.join(this.dataDir, 'executions')).flatMap(readdirOf)) {
      const [header, ...events] = readJsonLines(file) as [StoredHeader?, ...StoredEvent[]];
      if (header) add(header, events);
    }
    const journal = this.dataDir && path.join(this.dataDir, JOURNAL);
    if (journal && existsSync(journal)) {
      for (const line of readJsonLines(journal) as JournalLine[]) {
        if ('execution' in line) add(line.execution, []);
        else records.get(line.executionArn)?.events.push(eventFromJson(line.event));
      }
    }
    return [...records.values()];
  }

  createExecution(record: ExecutionRecord): void {
    const { events: _events, ...header } = record;
    this.append({ execution: header as unknown as StoredHeader });
  }

  appendEvent(record: ExecutionRecord, event: HistoryEvent): void {
    this.append({ executionArn: record.executionArn, event: event as unknown as StoredEvent });
  }

  /**
   * Rewrites the journal with these executions only (the ones retention keeps), and drops the earlier
   * layout's files, whose executions are then in the journal if kept. Written aside, then renamed over.
   */
  rewriteExecutions(records: readonly ExecutionRecord[]): void {
    if (!this.dataDir) return;
    this.close();
    const journal = path.join(ensureDir(this.dataDir), JOURNAL);
    const lines = records.flatMap(({ events, ...header }) => [
      JSON.stringify({ execution: header }),
      ...events.map((event) => JSON.stringify({ executionArn: header.executionArn, event })),
    ]);
    writeFileSync(`${journal}.tmp`, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    renameSync(`${journal}.tmp`, journal);
    rmSync(path.join(this.dataDir, 'executions'), { recursive: true, force: true });
  }

  /** Closes the journal; a later write opens it again. */
  close(): void {
    if (this.journal === undefined) return;
    closeSync(this.journal);
    this.journal = undefined;
  }

  private append(line: JournalLine): void {
    if (!this.dataDir) return;
    this.journal ??= openSync(path.join(ensureDir(this.dataDir), JOURNAL), 'a');
    writeSync(this.journal, `${JSON.stringify(line)}\n`);
  }

  private stateMachineFile(name: string): string | undefined {
    return this.dataDir && path.join(ensureDir(path.join(this.dataDir, 'state-machines')), `${encodeURIComponent(name)}.json`);
  }
}

type StoredHeader = Omit<ExecutionRecord, 'events' | 'startDate'> & { startDate: string };
type StoredEvent = Omit<HistoryEvent, 'timestamp'> & { timestamp: string };
type JournalLine = { execution: StoredHeader } | { executionArn: string; event: StoredEvent };

const JOURNAL = 'executions.jsonl';
const eventFromJson = (event: StoredEvent): HistoryEvent => ({ ...event, timestamp: new Date(event.timestamp) });

// A crash can leave a torn last line; the lines before it are whole.
function readJsonLines(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as unknown] : [];
      } catch {
        return [];
      }
    });
}

function readdirOf(dir: string | undefined): string[] {
  return dir && existsSync(dir) ? readdirSync(dir).map((entry) => path.join(dir, entry)) : [];
}

function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
