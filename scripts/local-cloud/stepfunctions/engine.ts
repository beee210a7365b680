import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionOutput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  ExecutionStatus,
  HistoryEvent,
  StateMachineListItem,
} from '@aws-sdk/client-sfn';
import { assertExecutionArn, assertStateMachineArn, assertValidName, executionArn, stateMachineArn, type ArnScope } from './arns';
import { compileDefinition, type CompiledDefinition } from './definition';
import { StepFunctionsError } from './errors';
import { statusOf, terminalEvent, type ExecutionRecord, type StateMachineRecord } from './execution-record';
import { executionStartedEvent, HistoryTranslator, type NewHistoryEvent } from './history';
import type { JsonValue } from './library-types';
import { paginate, type PageRequest } from './paging';
import { LocalStepFunctionsStore } from './store';
import { taskHandlers, type TaskPorts } from './task-handlers';

export type { LambdaInvoker, PutEventsPort, PutEventsResult } from './task-handlers';

export interface LocalStepFunctionsOptions extends TaskPorts {
  /** Where state machines and executions persist; in memory only when absent. */
  dataDir?: string;
  /** Multiplies every Retry interval (backoff and MaxDelaySeconds kept), e.g. 0.01 in tests. Default 1. */
  retryIntervalScale?: number;
  /**
   * How many executions it keeps (newest first; running ones always): older finished ones are forgotten,
   * as AWS forgets them after 90 days, and dropped from the journal when it starts. Default 10,000.
   */
  keepExecutions?: number;
  /**
   * How many executions run at once; later ones wait their turn, in start order, holding only their input
   * (status RUNNING, no history yet). A burst of thousands then costs little memory and finishes in the
   * order it came, and the ones still waiting when the process stops run when it starts again. Default 100.
   */
  maxRunningExecutions?: number;
  /** For the ARNs it mints. Defaults: us-east-1, 000000000000. */
  region?: string;
  accountId?: string;
}

interface StateMachineEntry {
  record: StateMachineRecord;
  compiled: CompiledDefinition;
}

interface ActiveRun {
  translator: HistoryTranslator;
  abort: () => void;
  done: Promise<void>;
  stopped: boolean;
  /** Set on close(): the run is abandoned and writes nothing more, so a restart sees it as interrupted. */
  detached: boolean;
}

interface ExecutionEntry {
  record: ExecutionRecord;
  active?: ActiveRun;
  /** Set while it waits for a free slot. */
  waiting?: { stateMachine: StateMachineEntry; started: Promise<void>; start: () => void };
}

// The API takes the definition as JSON text; the local runner passes the object read from serverless.yml.
const definitionText = (definition: string | object): string => (typeof definition === 'string' ? definition : JSON.stringify(definition));

const endDate = (record: ExecutionRecord): number => terminalEvent(record)?.timestamp?.getTime() ?? 0;
const byEndDate = (a: ExecutionRecord, b: ExecutionRecord): number => endDate(a) - endDate(b);

const RESTART_FAILURE = { error: 'States.Runtime', cause: 'local runtime restarted' };
const KEEP_EXECUTIONS = 10_000;
const MAX_RUNNING_EXECUTIONS = 100;

/**
 * AWS Step Functions (Standard, JSONPath) run locally by aws-local-stepfunctions: Lambda tasks go through
 * `lambdaInvoker`, `arn:aws:states:::events:putEvents` through `putEvents`. Executions that had begun to run
 * when the process stopped are marked FAILED (States.Runtime, "local runtime restarted") when it starts again:
 * they are not re-run, because their tasks may have had effects (published events) that a re-run would
 * repeat. Those still waiting for a slot (`maxRunningExecutions`) had done nothing, and run after `resume()`.
 */
export class LocalStepFunctions {
  private readonly scope: ArnScope;
  private readonly store: LocalStepFunctionsStore;
  private readonly retryIntervalScale: number;
  private readonly stateMachines = new Map<string, StateMachineEntry>();
  private readonly executions = new Map<string, ExecutionEntry>();
  /**
   * ARNs of ended executions, in the order they ended: retention forgets from the front. Kept apart from
   * `executions` because thousands of waiting ones can sit at the front of that map during a burst, and
   * skipping them on every start made starting an execution cost O(executions).
   */
  private readonly ended = new Set<string>();
  private readonly keepExecutions: number;
  private readonly maxRunningExecutions: number;
  /** Executions waiting for a slot, in start order. */
  private readonly waiting: ExecutionEntry[] = [];
  private running = 0;
  /** Set while shutting down: new executions are recorded and wait (they run on the next start). */
  private paused = false;
  private closed = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.scope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
    this.store = new LocalStepFunctionsStore(options.dataDir);
    this.retryIntervalScale = options.retryIntervalScale ?? 1;
    for (const record of this.store.loadStateMachines()) {
      this.stateMachines.set(record.stateMachineArn, { record, compiled: this.compile(record.definition) });
    }
    this.keepExecutions = options.keepExecutions ?? KEEP_EXECUTIONS;
    this.maxRunningExecutions = options.maxRunningExecutions ?? MAX_RUNNING_EXECUTIONS;
    const executions = this.store.loadExecutions().sort((a, b) => a.startDate.getTime() - b.startDate.getTime());
    for (const record of executions.filter((record) => statusOf(record) !== 'RUNNING').sort(byEndDate)) this.ended.add(record.executionArn);
    for (const record of executions) {
      const entry: ExecutionEntry = { record };
      this.executions.set(record.executionArn, entry);
      if (statusOf(record) !== 'RUNNING') continue;
      // One that never ran has done nothing a run could repeat: it waits its turn again (see resume()).
      const stateMachine = record.events.length === 0 ? this.stateMachines.get(record.stateMachineArn) : undefined;
      if (stateMachine) this.enqueue(entry, stateMachine);
      else this.append(record, { type: 'ExecutionFailed', timestamp: new Date(), executionFailedEventDetails: RESTART_FAILURE });
    }
    if (this.forgetOldExecutions() > 0) this.store.rewriteExecutions([...this.executions.values()].map(({ record }) => record));
  }

  /** Forgets the executions that ended longest ago, beyond `keepExecutions`; returns how many. */
  private forgetOldExecutions(): number {
    let excess = this.executions.size - this.keepExecutions;
    let forgotten = 0;
    for (const arn of this.ended) {
      if (excess <= 0) break;
      // Its history has ended, but its run is still winding down: forgotten on a later pass.
      if (this.executions.get(arn)?.active) continue;
      this.ended.delete(arn);
      this.executions.delete(arn);
      excess--;
      forgotten++;
    }
    return forgotten;
  }

  /** Creates a state machine; creating the same one again is a no-op, as in AWS. Returns its ARN. */
  createStateMachine(request: { name: string; definition: string | object; roleArn?: string }): string {
    assertValidName(request.name);
    const definition = definitionText(request.definition);
    const compiled = this.compile(definition);
    const arn = stateMachineArn(this.scope, request.name);
    const roleArn = request.roleArn ?? `arn:aws:iam::${this.scope.accountId}:role/local-stepfunctions`;
    const existing = this.stateMachines.get(arn);
    if (existing) {
      if (existing.record.definition === definition && existing.record.roleArn === roleArn) return arn;
      throw new StepFunctionsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const record: StateMachineRecord = { stateMachineArn: arn, name: request.name, definition, roleArn, creationDate: new Date() };
    this.store.saveStateMachine(record);
    this.stateMachines.set(arn, { record, compiled });
    return arn;
  }

  /** Replaces the definition or role; running executions finish on the definition they started with (as in AWS). */
  updateStateMachine(request: { stateMachineArn: string; definition?: string | object; roleArn?: string }): { updateDate: Date } {
    const entry = this.stateMachineEntry(request.stateMachineArn);
    const definition = request.definition === undefined ? entry.record.definition : definitionText(request.definition);
    const record: StateMachineRecord = { ...entry.record, definition, roleArn: request.roleArn ?? entry.record.roleArn };
    const compiled = this.compile(definition);
    this.store.saveStateMachine(record);
    this.stateMachines.set(record.stateMachineArn, { record, compiled });
    return { updateDate: new Date() };
  }

  describeStateMachine(arn: string): DescribeStateMachineOutput {
    const { record } = this.stateMachineEntry(arn);
    return { ...record, status: 'ACTIVE', type: 'STANDARD' };
  }

  listStateMachines(page: PageRequest = {}): { stateMachines: StateMachineListItem[]; nextToken?: string } {
    const records = [...this.stateMachines.values()].map(({ record }) => record);
    const { items, nextToken } = paginate(records, (record) => record.stateMachineArn, page);
    const stateMachines = items.map(({ stateMachineArn, name, creationDate }) => ({
      stateMachineArn,
      name,
      type: 'STANDARD' as const,
      creationDate,
    }));
    return nextToken ? { stateMachines, nextToken } : { stateMachines };
  }

  /** Starts an execution. `input` is a JSON text (default "{}"); the same name and input while running is a no-op. */
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): { executionArn: string; startDate: Date } {
    const stateMachine = this.stateMachineEntry(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    assertValidName(name);
    const input = request.input ?? '{}';
    try {
      JSON.parse(input);
    } catch (error) {
      throw new StepFunctionsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    const arn = executionArn(this.scope, stateMachine.record.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // AWS (Standard): a retried StartExecution of a running execution succeeds; anything else conflicts.
      if (statusOf(existing.record) === 'RUNNING' && existing.record.input === input) {
        return { executionArn: arn, startDate: existing.record.startDate };
      }
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    if (this.closed) throw new Error('LocalStepFunctions is closed');
    const record: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: stateMachine.record.stateMachineArn,
      name,
      input,
      startDate: new Date(),
      events: [],
    };
    this.store.createExecution(record);
    const entry: ExecutionEntry = { record };
    this.executions.set(arn, entry);
    // In memory now; the journal keeps them until the next start rewrites it.
    if (this.executions.size > this.keepExecutions) this.forgetOldExecutions();
    this.enqueue(entry, stateMachine);
    this.launchWaiting();
    return { executionArn: arn, startDate: record.startDate };
  }

  /**
   * Runs waiting executions while there are free slots, and lifts a `pause`. Executions that were waiting
   * when the engine last stopped wait until this is first called (or the next start): call it once the
   * task ports can answer.
   */
  resume(): void {
    this.paused = false;
    this.launchWaiting();
  }

  /**
   * For a clean shutdown: no more executions begin to run (new ones are recorded and wait, and run on the
   * next start), and this resolves once those running have finished, or after `timeoutMs`, whichever is
   * first. The ones still running at `close()` count as interrupted on the next start.
   */
  async pause(timeoutMs: number): Promise<void> {
    this.paused = true;
    const runs = [...this.executions.values()].flatMap(({ active }) => (active ? [active.done] : []));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(runs), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private launchWaiting(): void {
    while (!this.closed && !this.paused && this.running < this.maxRunningExecutions) {
      const entry = this.waiting.shift();
      if (!entry) return;
      const { stateMachine, start } = entry.waiting!;
      entry.waiting = undefined;
      this.running++;
      entry.active = this.run(entry, stateMachine, JSON.parse(entry.record.input) as JsonValue);
      void entry.active.done.finally(() => {
        this.running--;
        this.launchWaiting();
      });
      start();
    }
  }

  private enqueue(entry: ExecutionEntry, stateMachine: StateMachineEntry): void {
    let start!: () => void;
    const started = new Promise<void>((resolve) => (start = resolve));
    entry.waiting = { stateMachine, started, start };
    this.waiting.push(entry);
  }

  describeExecution(arn: string): DescribeExecutionOutput {
    const { record } = this.executionEntry(arn);
    const terminal = terminalEvent(record);
    const failure =
      terminal?.executionFailedEventDetails ?? terminal?.executionAbortedEventDetails ?? terminal?.executionTimedOutEventDetails;
    const succeeded = terminal?.executionSucceededEventDetails;
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: statusOf(record),
      startDate: record.startDate,
      input: record.input,
      inputDetails: { included: true },
      ...(terminal && { stopDate: terminal.timestamp }),
      ...(succeeded && { output: succeeded.output, outputDetails: { included: true } }),
      ...(failure && { error: failure.error, cause: failure.cause }),
    };
  }

  getExecutionHistory(arn: string, request: PageRequest & { reverseOrder?: boolean } = {}): { events: HistoryEvent[]; nextToken?: string } {
    const { record } = this.executionEntry(arn);
    const events = request.reverseOrder ? [...record.events].reverse() : record.events;
    const { items, nextToken } = paginate(events, (event) => String(event.id), request);
    return nextToken ? { events: items, nextToken } : { events: items };
  }

  /** Executions of a state machine, newest first. */
  listExecutions(request: PageRequest & { stateMachineArn: string; statusFilter?: ExecutionStatus }): {
    executions: ExecutionListItem[];
    nextToken?: string;
  } {
    const { record: stateMachine } = this.stateMachineEntry(request.stateMachineArn);
    const matching = [...this.executions.values()]
      .map(({ record }) => record)
      .filter((record) => record.stateMachineArn === stateMachine.stateMachineArn)
      .filter((record) => !request.statusFilter || statusOf(record) === request.statusFilter)
      // Insertion order breaks ties between executions started in the same millisecond.
      .reverse()
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const { items, nextToken } = paginate(matching, (record) => record.executionArn, request);
    const executions = items.map((record): ExecutionListItem => {
      const stopDate = terminalEvent(record)?.timestamp;
      return {
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        status: statusOf(record),
        startDate: record.startDate,
        ...(stopDate && { stopDate }),
      };
    });
    return nextToken ? { executions, nextToken } : { executions };
  }

  /** Aborts a running execution (its in-flight task still finishes, as in AWS); a finished one is left as it is. */
  async stopExecution(arn: string, details: { error?: string; cause?: string } = {}): Promise<{ stopDate: Date }> {
    const entry = this.executionEntry(arn);
    if (entry.waiting) {
      const { stateMachine, start } = entry.waiting;
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      entry.waiting = undefined;
      const stopDate = new Date();
      this.append(entry.record, executionStartedEvent(stopDate, entry.record.input, stateMachine.record.roleArn));
      this.append(entry.record, { type: 'ExecutionAborted', timestamp: stopDate, executionAbortedEventDetails: details });
      start();
      return { stopDate };
    }
    const active = entry.active;
    if (active) {
      active.translator.stopDetails = details;
      active.stopped = true;
      active.abort();
      await active.done;
    }
    return { stopDate: terminalEvent(entry.record)?.timestamp ?? new Date() };
  }

  /** Resolves once the execution has finished (not an AWS API: for the local runner and tests). */
  async waitForExecution(arn: string): Promise<DescribeExecutionOutput> {
    const entry = this.executionEntry(arn);
    await entry.waiting?.started;
    await entry.active?.done;
    return this.describeExecution(arn);
  }

  /**
   * Abandons running executions without recording an end: on the next start they count as interrupted.
   * Waiting ones are left as they are: they run on the next start.
   */
  async close(): Promise<void> {
    this.closed = true;
    const runs = [...this.executions.values()].flatMap(({ active }) => (active ? [active] : []));
    for (const run of runs) {
      run.detached = true;
      run.stopped = true;
      run.abort();
    }
    await Promise.all(runs.map((run) => run.done));
    // Whoever waits on a waiting one is let go; the execution itself stays waiting, in the journal.
    for (const { waiting } of this.waiting) waiting!.start();
    this.store.close();
  }

  private run(entry: ExecutionEntry, stateMachine: StateMachineEntry, input: JsonValue): ActiveRun {
    const { record } = entry;
    const { compiled, record: machine } = stateMachine;
    const translator = new HistoryTranslator({
      tasks: compiled.tasks,
      region: this.scope.region,
      emit: (event) => {
        if (!active.detached) this.append(record, event);
      },
    });
    // Declared before run(): the library calls the first task handler synchronously from inside it.
    const active: ActiveRun = { translator, abort: () => undefined, done: Promise.resolve(), stopped: false, detached: false };
    const handlers = taskHandlers(compiled.tasks, this.options, {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      // Also true once the history ended on its own (a timeout), which the library does not stop either.
      isStopped: () => active.stopped || statusOf(record) !== 'RUNNING',
      startAttempt: (stateName, attemptInput) => translator.startAttempt(stateName, attemptInput),
    });
    this.append(record, executionStartedEvent(new Date(), record.input, machine.roleArn));
    const execution = compiled.machine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: machine.roleArn },
        StateMachine: { Id: machine.stateMachineArn, Name: machine.name },
      },
    });
    // Failures and timeouts are read from the event log; the rejected result adds nothing.
    execution.result.catch(() => undefined);
    active.abort = execution.abort;
    active.done = (async () => {
      try {
        for await (const event of execution.eventLogs) translator.translate(event);
      } finally {
        entry.active = undefined;
      }
    })();
    return active;
  }

  private append(record: ExecutionRecord, event: NewHistoryEvent): void {
    const id = record.events.length + 1;
    const numbered: HistoryEvent = { ...event, id, previousEventId: id - 1 };
    record.events.push(numbered);
    this.store.appendEvent(record, numbered);
    if (statusOf(record) !== 'RUNNING') this.ended.add(record.executionArn);
  }

  private compile(definition: string): CompiledDefinition {
    return compileDefinition(definition, { retryIntervalScale: this.retryIntervalScale });
  }

  private stateMachineEntry(arn: string): StateMachineEntry {
    assertStateMachineArn(arn);
    const entry = this.stateMachines.get(arn);
    if (!entry) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return entry;
  }

  private executionEntry(arn: string): ExecutionEntry {
    assertExecutionArn(arn);
    const entry = this.executions.get(arn);
    if (!entry) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return entry;
  }
}
