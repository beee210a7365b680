import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { Logger } from './logger';
import { nextRunAfter, parseScheduleExpression } from './schedule-expression';

export interface StartScheduleOptions {
  /** A serverless.yml `schedule` expression: `rate(...)` or `cron(...)`. */
  expression: string;
  handler: (event: ScheduledEvent) => Promise<unknown>;
  now?: () => Date;
  logger?: Logger;
  /** Names the rule in the event's `resources` and in logs. */
  ruleName?: string;
  region?: string;
}

export interface RunningSchedule {
  /** Cancels future runs and resolves once a run in progress has finished. */
  stop(): Promise<void>;
  nextRunAt(): Date | undefined;
}

const ACCOUNT_ID = '000000000000'; // the account fauxqs reports, so local ARNs agree
// setTimeout fires at once for delays past 2^31-1 ms (~24.8 days); longer waits are re-armed in chunks.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Invokes `handler` on an EventBridge schedule with a Scheduled Event, as a `schedule` event in
 * serverless.yml would. Missed runs are not caught up, and a run due while the previous one is still going
 * is skipped. Throws InvalidScheduleExpressionError for an expression EventBridge would reject.
 *
 * @example
 * const schedule = startSchedule({ expression: 'rate(5 minutes)', handler: (event) => sweep(event.time) });
 * await schedule.stop();
 */
export function startSchedule(options: StartScheduleOptions): RunningSchedule {
  const { handler, now = () => new Date(), logger = console, ruleName = 'local-schedule', region = 'us-east-1' } = options;
  const schedule = parseScheduleExpression(options.expression);
  const ruleArn = `arn:aws:events:${region}:${ACCOUNT_ID}:rule/${ruleName}`;
  const tag = `[schedule ${ruleName} ${schedule.expression}]`;
  const startedAt = now();
  let next = nextRunAfter(schedule, startedAt, startedAt);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const arm = (): void => {
    if (stopped) return;
    if (next === undefined) {
      logger.info(`${tag} has no further runs`);
      return;
    }
    timer = setTimeout(fire, Math.min(Math.max(0, next.getTime() - now().getTime()), MAX_TIMER_MS));
  };

  const fire = (): void => {
    const current = now();
    if (next !== undefined && current >= next) {
      run(next);
      next = nextRunAfter(schedule, current, startedAt); // from now, so runs missed while asleep are skipped
    }
    arm();
  };

  const run = (scheduledAt: Date): void => {
    if (running) {
      logger.warn(`${tag} skipping the run due ${scheduledAt.toISOString()}: the previous run is still going`);
      return;
    }
    running = Promise.resolve()
      .then(() => handler(scheduledEvent(scheduledAt, region, ruleArn)))
      .then(
        () => logger.debug(`${tag} ran for ${scheduledAt.toISOString()}`),
        (error: unknown) => logger.error(`${tag} run for ${scheduledAt.toISOString()} failed`, error),
      )
      .finally(() => {
        running = undefined;
      });
  };

  arm();
  logger.info(`${tag} next run ${next?.toISOString() ?? 'never'}`);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    nextRunAt: () => (stopped ? undefined : next),
  };
}

function scheduledEvent(time: Date, region: string, ruleArn: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'), // EventBridge's time has no milliseconds
    region,
    resources: [ruleArn],
    detail: {},
  };
}
