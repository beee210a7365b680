/**
 * `WorkflowExecutions` on the Step Functions API (`@aws-sdk/client-sfn`): AWS when deployed, the local
 * engine through `AWS_ENDPOINT_URL_SFN` otherwise. Everything shown is derived from StartExecution,
 * DescribeExecution, GetExecutionHistory and ListExecutions; nothing is stored.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  type ExecutionListItem,
  type ExecutionStatus,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { mapConcurrently } from '@cogdesk/shared/async/map-concurrently';
import { agentAttemptsOf, type AgentAttempt } from './agent-health';
import {
  executionArnOf,
  executionIdOf,
  executionViewOf,
  InvalidCursorError,
  sfnStatusOf,
  statusNameOf,
  ticketIdOfInput,
  type ExecutionQuery,
  type ExecutionSummary,
  type ExecutionView,
  type WorkflowExecutions,
} from './execution-views';

export interface SfnWorkflowExecutionsOptions {
  client: SFNClient;
  stateMachineArn: string;
  /** With a `ticketId` filter, the most executions one request examines (each needs its input). Default 200. */
  maxScan?: number;
  /** Concurrent DescribeExecution / GetExecutionHistory calls. Default 8. */
  concurrency?: number;
}

/** With a `ticketId` filter, `GET /api/workflow/executions` examines at most this many executions per request. */
export const DEFAULT_MAX_SCAN = 200;
// A fixed page size keeps a cursor's (page token, offset in page) meaningful from one request to the next.
const PAGE_SIZE = 100;

export class SfnWorkflowExecutions implements WorkflowExecutions {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;
  private readonly maxScan: number;
  private readonly concurrency: number;
  // An execution's input never changes, nor does a finished execution's history (until a redrive, which
  // bumps its redrive count): both are cached, bounded, so repeated listings and health checks stay cheap.
  private readonly ticketIds = new BoundedCache<string, string | null>(10_000);
  private readonly finishedAttempts = new BoundedCache<string, AgentAttempt[]>(1_000);

  constructor(options: SfnWorkflowExecutionsOptions) {
    this.client = options.client;
    this.stateMachineArn = options.stateMachineArn;
    this.maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
    this.concurrency = options.concurrency ?? 8;
  }

  async start(request: { name: string; input: unknown }): Promise<{ executionId: string; startedAt: Date }> {
    const started = await this.client.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: request.name, input: JSON.stringify(request.input) }),
    );
    return { executionId: executionIdOf(started.executionArn ?? request.name), startedAt: started.startDate ?? new Date() };
  }

  async view(executionId: string): Promise<ExecutionView | null> {
    const executionArn = executionArnOf(this.stateMachineArn, executionId);
    let description;
    try {
      description = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (isNamed(error, 'ExecutionDoesNotExist')) return null;
      throw error;
    }
    return executionViewOf(description, await this.history(executionArn));
  }

  async list(query: ExecutionQuery): Promise<{ items: ExecutionSummary[]; nextCursor: string | null }> {
    let { token, skip } = decodeCursor(query.cursor);
    const filtered = query.ticketId !== undefined;
    const items: ExecutionSummary[] = [];
    let scanned = 0;
    const done = () => items.length >= query.limit || (filtered && scanned >= this.maxScan);
    for (;;) {
      const page = await this.listPage(token, query.status);
      const executions = page.executions ?? [];
      if (skip > executions.length) throw new InvalidCursorError('The cursor points past the end of its page');
      while (skip < executions.length && !done()) {
        // Unfiltered, every execution is an item; filtered, examine what is left of the scan budget.
        const room = filtered ? this.maxScan - scanned : query.limit - items.length;
        const summaries = await mapConcurrently(executions.slice(skip, skip + room), this.concurrency, (execution) => this.summaryOf(execution));
        for (const summary of summaries) {
          if (items.length >= query.limit) break;
          skip += 1;
          scanned += 1;
          if (!filtered || summary.ticketId === query.ticketId) items.push(summary);
        }
      }
      // Where a next request goes on from: later in this page, the next page, or nowhere.
      const rest: CursorPosition | null =
        skip < executions.length ? { token, skip } : page.nextToken ? { token: page.nextToken, skip: 0 } : null;
      if (done() || rest === null) return { items, nextCursor: rest && encodeCursor(rest) };
      ({ token, skip } = rest);
    }
  }

  async recentAgentAttempts(count: number): Promise<{ executions: number; since: Date | null; attempts: AgentAttempt[] }> {
    const { executions = [] } = await this.client.send(new ListExecutionsCommand({ stateMachineArn: this.stateMachineArn, maxResults: count }));
    const recent = executions.slice(0, count);
    const attempts = await mapConcurrently(recent, this.concurrency, async (execution) => {
      const executionArn = execution.executionArn ?? '';
      const finished = execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE';
      const key = `${executionArn}#${execution.redriveCount ?? 0}`;
      const cached = finished ? this.finishedAttempts.get(key) : undefined;
      if (cached) return cached;
      const derived = agentAttemptsOf(await this.history(executionArn));
      if (finished) this.finishedAttempts.set(key, derived);
      return derived;
    });
    return { executions: recent.length, since: recent.at(-1)?.startDate ?? null, attempts: attempts.flat() };
  }

  private async listPage(token: string | undefined, status: ExecutionQuery['status']) {
    try {
      return await this.client.send(
        new ListExecutionsCommand({
          stateMachineArn: this.stateMachineArn,
          maxResults: PAGE_SIZE,
          ...(token !== undefined && { nextToken: token }),
          ...(status !== undefined && { statusFilter: sfnStatusOf(status) as ExecutionStatus }),
        }),
      );
    } catch (error) {
      // SFN page tokens expire after 24 hours, and one from another filter does not fit.
      if (isNamed(error, 'InvalidToken')) throw new InvalidCursorError('The cursor has expired or belongs to another query');
      throw error;
    }
  }

  private async summaryOf(execution: ExecutionListItem): Promise<ExecutionSummary> {
    const executionArn = execution.executionArn ?? '';
    return {
      executionId: execution.name ?? executionIdOf(executionArn),
      ticketId: await this.ticketIdOf(executionArn),
      status: statusNameOf(execution.status),
      startedAt: (execution.startDate ?? new Date(0)).toISOString(),
      stoppedAt: execution.stopDate?.toISOString() ?? null,
    };
  }

  private async ticketIdOf(executionArn: string): Promise<string | null> {
    if (this.ticketIds.has(executionArn)) return this.ticketIds.get(executionArn) ?? null;
    let ticketId: string | null = null;
    try {
      const { input } = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      ticketId = ticketIdOfInput(input);
    } catch (error) {
      // Listed but gone since (AWS keeps a finished execution for 90 days): it is about no ticket we can name.
      if (!isNamed(error, 'ExecutionDoesNotExist')) throw error;
    }
    this.ticketIds.set(executionArn, ticketId);
    return ticketId;
  }

  private async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken && { nextToken }) }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }
}

interface CursorPosition {
  /** The SFN page token of the page to read (none for the first page). */
  token?: string | undefined;
  /** How many executions of that page were already returned or examined. */
  skip: number;
}

function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ t: position.token ?? null, s: position.skip }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): CursorPosition {
  if (cursor === undefined) return { skip: 0 };
  try {
    const { t, s } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; s?: unknown };
    if ((t === null || typeof t === 'string') && Number.isInteger(s) && (s as number) >= 0 && (s as number) < PAGE_SIZE) {
      return { ...(t !== null && { token: t }), skip: s as number };
    }
  } catch {
    // Falls through: not a cursor this API made.
  }
  throw new InvalidCursorError('The cursor is not one this API returned');
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** A Map that forgets its oldest entries beyond `limit`. */
class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly limit: number) {}
  has(key: K): boolean {
    return this.entries.has(key);
  }
  get(key: K): V | undefined {
    return this.entries.get(key);
  }
  set(key: K, value: V): void {
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
  }
}
