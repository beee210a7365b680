// Test fixture: a state machine shaped like the workflow service's cognitive chain (DESIGN.md §1), and
// scripted fakes for the engine's ports that record what they were called with.
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { LambdaInvoker, PutEventsPort, PutEventsResult } from './engine';

export const DEDUPE_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:cogdesk-test-dedupe-findDuplicates';
export const TRIAGE_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:cogdesk-test-triage-triage';

const retry = [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }];
const catchToTriageFailed = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'PublishTriageFailed' }];

const publish = (detailType: string, data: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::events:putEvents',
  Parameters: {
    Entries: [
      {
        EventBusName: 'cogdesk-test',
        Source: 'cogdesk.workflow',
        DetailType: detailType,
        Detail: { type: detailType, 'subject.$': '$.detail.subject', 'correlationId.$': '$.detail.correlationId', data },
      },
    ],
  },
  ResultPath: '$.published',
  Retry: retry,
});

/** FindDuplicates → duplicate at/above threshold ? PublishDuplicateDetected : Triage → PublishTriaged; Catch → PublishTriageFailed. */
export const cognitiveChainDefinition = {
  Comment: 'Cogdesk cognitive chain (test copy)',
  StartAt: 'FindDuplicates',
  States: {
    FindDuplicates: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: DEDUPE_FUNCTION_ARN, 'Payload.$': '$.detail' },
      ResultSelector: { 'top.$': '$.Payload.top', 'threshold.$': '$.Payload.threshold' },
      ResultPath: '$.duplicates',
      Retry: retry,
      Catch: catchToTriageFailed,
      Next: 'IsDuplicate',
    },
    IsDuplicate: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.duplicates.top.score', IsPresent: true },
            { Variable: '$.duplicates.top.score', NumericGreaterThanEqualsPath: '$.duplicates.threshold' },
          ],
          Next: 'PublishDuplicateDetected',
        },
      ],
      Default: 'Triage',
    },
    PublishDuplicateDetected: {
      ...publish('ticket.duplicate-detected.v1', {
        'ticketId.$': '$.detail.subject',
        'duplicateOf.$': '$.duplicates.top.ticketId',
        'score.$': '$.duplicates.top.score',
      }),
      End: true,
    },
    Triage: {
      Type: 'Task',
      Resource: TRIAGE_FUNCTION_ARN,
      InputPath: '$.detail',
      ResultPath: '$.triage',
      Retry: retry,
      Catch: catchToTriageFailed,
      Next: 'PublishTriaged',
    },
    PublishTriaged: {
      ...publish('ticket.triaged.v1', {
        'ticketId.$': '$.detail.subject',
        'priority.$': '$.triage.priority',
        'category.$': '$.triage.category',
      }),
      End: true,
    },
    PublishTriageFailed: {
      ...publish('ticket.triage-failed.v1', {
        'ticketId.$': '$.detail.subject',
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      }),
      Next: 'TriageFailed',
    },
    TriageFailed: { Type: 'Fail', Error: 'Cogdesk.TriageFailed', Cause: 'The cognitive chain could not triage the ticket' },
  },
};

/** The EventBridge event that starts the chain: `ticket.created.v1` with its envelope in `detail`. */
export function ticketCreatedEvent(ticketId: string): Record<string, unknown> {
  return {
    version: '0',
    id: `evt-${ticketId}`,
    'detail-type': 'ticket.created.v1',
    source: 'cogdesk.tickets',
    time: '2025-01-01T00:00:00Z',
    detail: {
      id: `env-${ticketId}`,
      type: 'ticket.created.v1',
      subject: ticketId,
      correlationId: `corr-${ticketId}`,
      data: { ticket: { id: ticketId, title: 'Cannot log in', description: 'The login page spins forever' } },
    },
  };
}

export class TransientError extends Error {
  override name = 'TransientError';
}

type Behaviour = (payload: unknown) => unknown;

/** A Lambda invoker whose functions answer from a script: each call takes the next behaviour, the last one repeats. */
export function scriptedLambdas(script: Record<string, Behaviour[]>) {
  const calls: { functionArn: string; payload: unknown; at: number }[] = [];
  const invoke: LambdaInvoker = (functionArn, payload) => {
    const behaviours = script[functionArn];
    if (!behaviours) return Promise.reject(new Error(`no such function: ${functionArn}`));
    const callsSoFar = calls.filter((call) => call.functionArn === functionArn).length;
    calls.push({ functionArn, payload, at: Date.now() });
    const behaviour = behaviours[Math.min(callsSoFar, behaviours.length - 1)]!;
    return Promise.resolve().then(() => behaviour(payload));
  };
  return { invoke, calls, callsTo: (functionArn: string) => calls.filter((call) => call.functionArn === functionArn) };
}

/** A PutEvents port that records entries; `failFirst` calls report a failed entry, as EventBridge does. */
export function recordingBus(options: { failFirst?: number } = {}) {
  const published: PutEventsRequestEntry[] = [];
  let calls = 0;
  const putEvents: PutEventsPort = (entries) => {
    calls += 1;
    if (calls <= (options.failFirst ?? 0)) {
      return Promise.resolve<PutEventsResult>({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      });
    }
    published.push(...entries);
    return Promise.resolve({ FailedEntryCount: 0, Entries: entries.map((_, index) => ({ EventId: `event-${calls}-${index}` })) });
  };
  return { putEvents, published, detailTypes: () => published.map((entry) => entry.DetailType) };
}

export const dedupeFinds = (score: number) => () => ({ top: { ticketId: 'TCK-OLD', score }, threshold: 0.9 });
export const triageAnswers = () => ({ priority: 'high', category: 'access', confidence: 0.8 });
export const fails = (error: Error) => () => {
  throw error;
};

/** Holds a function call until the test opens it. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, wait: () => opened };
}
