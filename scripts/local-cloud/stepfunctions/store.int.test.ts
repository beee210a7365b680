import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from './execution-record';
import { LocalStepFunctionsStore } from './store';

const machineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:chain';
const execution = (name: string): ExecutionRecord => ({
  executionArn: `arn:aws:states:us-east-1:000000000000:execution:chain:${name}`,
  stateMachineArn: machineArn,
  name,
  input: '{"ticket":"T-1"}',
  startDate: new Date('2026-11-26T10:00:00Z'),
  events: [],
});
const event = (id: number, type: HistoryEvent['type']): HistoryEvent => ({ id, previousEventId: id - 1, type, timestamp: new Date(Date.UTC(2026, 10, 26, 10, 0, id)) });

describe('the Step Functions store', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cogdesk-sfn-store-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps executions and their histories, interleaved, in one journal', async () => {
    const store = new LocalStepFunctionsStore(dataDir);
    const [first, second] = [execution('first'), execution('second')];
    store.createExecution(first);
    store.appendEvent(first, event(1, 'ExecutionStarted'));
    store.createExecution(second);
    store.appendEvent(second, event(1, 'ExecutionStarted'));
    store.appendEvent(first, event(2, 'ExecutionSucceeded'));
    store.close();

    expect(new LocalStepFunctionsStore(dataDir).loadExecutions()).toEqual([
      { ...first, events: [event(1, 'ExecutionStarted'), event(2, 'ExecutionSucceeded')] },
      { ...second, events: [event(1, 'ExecutionStarted')] },
    ]);
    expect((await readFile(path.join(dataDir, 'executions.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(5);
  });

  it('keeps the whole lines before a line a crash tore', () => {
    const store = new LocalStepFunctionsStore(dataDir);
    const record = execution('torn');
    store.createExecution(record);
    store.appendEvent(record, event(1, 'ExecutionStarted'));
    store.close();
    appendFileSync(path.join(dataDir, 'executions.jsonl'), '{"executionArn":"arn:aws:states:us-east-1:0000');

    expect(new LocalStepFunctionsStore(dataDir).loadExecutions()).toEqual([{ ...record, events: [event(1, 'ExecutionStarted')] }]);
  });

  it('still reads executions kept in the earlier one-file-each layout', () => {
    const record = execution('legacy');
    const dir = path.join(dataDir, 'executions', 'chain');
    mkdirSync(dir, { recursive: true });
    const { events: _events, ...header } = record;
    writeFileSync(path.join(dir, 'legacy.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(event(1, 'ExecutionStarted'))}\n`);

    expect(new LocalStepFunctionsStore(dataDir).loadExecutions()).toEqual([{ ...record, events: [event(1, 'ExecutionStarted')] }]);
  });

  it('rewrites the journal with only the executions retention keeps, the earlier layout folded in', () => {
    const legacy = execution('legacy');
    const dir = path.join(dataDir, 'executions', 'chain');
    mkdirSync(dir, { recursive: true });
    const { events: _events, ...header } = legacy;
    writeFileSync(path.join(dir, 'legacy.jsonl'), `${JSON.stringify(header)}\n`);
    const store = new LocalStepFunctionsStore(dataDir);
    const [old, kept] = [execution('old'), execution('kept')];
    for (const record of [old, kept]) {
      store.createExecution(record);
      store.appendEvent(record, event(1, 'ExecutionStarted'));
    }

    store.rewriteExecutions([{ ...legacy, events: [] }, { ...kept, events: [event(1, 'ExecutionStarted')] }]);
    store.appendEvent(kept, event(2, 'ExecutionSucceeded'));
    store.close();

    expect(new LocalStepFunctionsStore(dataDir).loadExecutions()).toEqual([
      { ...legacy, events: [] },
      { ...kept, events: [event(1, 'ExecutionStarted'), event(2, 'ExecutionSucceeded')] },
    ]);
    expect(existsSync(path.join(dataDir, 'executions'))).toBe(false);
  });
});
