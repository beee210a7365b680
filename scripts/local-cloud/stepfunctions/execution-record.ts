import type { ExecutionStatus, HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';

/** An execution as stored: what it was started with, and its history, from which everything else is derived. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  startDate: Date;
  events: HistoryEvent[];
}

export interface StateMachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  creationDate: Date;
}

const STATUS_BY_TERMINAL_EVENT: Partial<Record<HistoryEventType, ExecutionStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

export function terminalEvent(record: ExecutionRecord): HistoryEvent | undefined {
  const last = record.events.at(-1);
  return last?.type && STATUS_BY_TERMINAL_EVENT[last.type] ? last : undefined;
}

export function statusOf(record: ExecutionRecord): ExecutionStatus {
  const type = terminalEvent(record)?.type;
  return (type && STATUS_BY_TERMINAL_EVENT[type]) ?? 'RUNNING';
}
