import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionRecord, StateMachineRecord } from './execution-record';

/**
 * Persists state machines (a JSON file each) and executions (a JSON-lines file each: a header line, then one
 * history event per line) under `dataDir`; without one, nothing is written. Writes are synchronous appends so
 * the file order is the history order, even across a crash.
 */
export class LocalStepFunctionsStore {
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
    const dirs = readdirOf(this.dataDir && path.join(this.dataDir, 'executions'));
    return dirs.flatMap(readdirOf).flatMap((file) => {
      const [header, ...events] = readJsonLines(file) as [StoredHeader?, ...StoredEvent[]];
      if (!header) return [];
      return [
        {
          ...header,
          startDate: new Date(header.startDate),
          events: events.map((event) => ({ ...event, timestamp: new Date(event.timestamp) })),
        },
      ];
    });
  }

  createExecution(record: ExecutionRecord): void {
    const file = this.executionFile(record);
    if (!file) return;
    const { events: _events, ...header } = record;
    writeFileSync(file, `${JSON.stringify(header)}\n`);
  }

  appendEvent(record: ExecutionRecord, event: HistoryEvent): void {
    const file = this.executionFile(record);
    if (file) appendFileSync(file, `${JSON.stringify(event)}\n`);
  }

  private stateMachineFile(name: string): string | undefined {
    return this.dataDir && path.join(ensureDir(path.join(this.dataDir, 'state-machines')), `${encodeURIComponent(name)}.json`);
  }

  private executionFile(record: ExecutionRecord): string | undefined {
    const stateMachineName = record.stateMachineArn.split(':').at(-1) ?? '';
    return (
      this.dataDir &&
      path.join(
        ensureDir(path.join(this.dataDir, 'executions', encodeURIComponent(stateMachineName))),
        `${encodeURIComponent(record.name)}.jsonl`,
      )
    );
  }
}

type StoredHeader = Omit<ExecutionRecord, 'events' | 'startDate'> & { startDate: string };
type StoredEvent = Omit<HistoryEvent, 'timestamp'> & { timestamp: string };

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
