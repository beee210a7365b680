import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidScheduleExpressionError, nextRunAfter, parseScheduleExpression } from './schedule-expression';
import { startSchedule } from './scheduler';

const at = (iso: string) => new Date(iso);
const next = (expression: string, after: string, startedAt = after) =>
  nextRunAfter(parseScheduleExpression(expression), at(after), at(startedAt))?.toISOString();

// 2024-03-15 is a Friday.
const FRIDAY = '2024-03-15T10:07:30.000Z';

describe('parseScheduleExpression', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(2 days)', 172_800_000],
  ])('parses %s', (expression, periodMs) => {
    expect(parseScheduleExpression(expression)).toEqual({ kind: 'rate', expression, periodMs });
  });

  it.each([
    ['every 5 minutes', /expected rate/],
    ['rate(0 minutes)', /positive whole number/],
    ['rate(five minutes)', /positive whole number/],
    ['rate(2 weeks)', /positive whole number/],
    ['rate(1 minutes)', /"minutes" is plural/],
    ['rate(5 minute)', /"minute" is singular/],
    ['cron(0 12 * * ?)', /6 fields/],
    ['cron(0 12 * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 12 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(61 * * * ? *)', /61/],
    ['cron(0 H * * ? *)', /hours/],
    ['cron(0 0 ? FOO * *)', /unknown name "FOO"/],
    ['cron(0 0 ? * 8 *)', /day-of-week 8 is outside 1–7/],
    ['cron(0 0 ? * 2#6 *)', /day-of-week/],
    ['cron(0 0 32W * ? *)', /day-of-month 32/],
    ['cron(0 0 1 1 ? 1969)', /year 1969/],
  ])('rejects %s', (expression, reason) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression(expression)).toThrow(reason);
  });
});

describe('nextRunAfter', () => {
  it('counts rates in whole periods from the start', () => {
    expect(next('rate(1 minute)', FRIDAY)).toBe('2024-03-15T10:08:30.000Z');
    expect(next('rate(5 minutes)', '2024-03-15T10:19:30.000Z', FRIDAY)).toBe('2024-03-15T10:22:30.000Z');
    expect(next('rate(5 minutes)', '2024-03-15T10:22:30.000Z', FRIDAY)).toBe('2024-03-15T10:27:30.000Z');
    expect(next('rate(1 hour)', FRIDAY)).toBe('2024-03-15T11:07:30.000Z');
    expect(next('rate(2 days)', FRIDAY)).toBe('2024-03-17T10:07:30.000Z');
  });

  it.each([
    ['cron(0/15 * * * ? *)', FRIDAY, '2024-03-15T10:15:00.000Z'],
    ['cron(0/15 * * * ? *)', '2024-03-15T10:15:00.000Z', '2024-03-15T10:30:00.000Z'],
    ['cron(0 12 * * ? *)', FRIDAY, '2024-03-15T12:00:00.000Z'],
    ['cron(0/30 9-17 ? * MON-FRI *)', '2024-03-15T17:45:00.000Z', '2024-03-18T09:00:00.000Z'],
    // AWS numbers days from 1 = Sunday.
    ['cron(0 9 ? * 2-6 *)', FRIDAY, '2024-03-18T09:00:00.000Z'],
    ['cron(0 0 ? * 1 *)', FRIDAY, '2024-03-17T00:00:00.000Z'],
    ['cron(0 0 ? * L *)', FRIDAY, '2024-03-16T00:00:00.000Z'],
    // 2/2 is Mon, Wed, Fri: never Sunday, which cron-parser also calls 7.
    ['cron(0 12 ? * 2/2 *)', '2024-03-15T12:00:00.000Z', '2024-03-18T12:00:00.000Z'],
    ['cron(0 0 ? * 6L *)', FRIDAY, '2024-03-29T00:00:00.000Z'],
    ['cron(0 0 ? * 3#2 *)', FRIDAY, '2024-04-09T00:00:00.000Z'],
    ['cron(0 0 L * ? *)', FRIDAY, '2024-03-31T00:00:00.000Z'],
    ['cron(0 8 1 JAN,JUL ? *)', FRIDAY, '2024-07-01T08:00:00.000Z'],
    // W: the nearest weekday in the same month (June 15 2024 is a Saturday, June 1 too, March 31 a Sunday).
    ['cron(0 0 15W * ? *)', '2024-06-01T00:00:00.000Z', '2024-06-14T00:00:00.000Z'],
    ['cron(0 0 1W * ? *)', '2024-05-31T00:00:00.000Z', '2024-06-03T00:00:00.000Z'],
    ['cron(0 0 LW * ? *)', FRIDAY, '2024-03-29T00:00:00.000Z'],
    ['cron(0 10 1 1 ? 2026)', FRIDAY, '2026-01-01T10:00:00.000Z'],
    ['cron(0 0 1 1 ? 2025-2030/2)', '2025-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ])('%s after %s is %s', (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('has no next run once the years have passed', () => {
    expect(next('cron(0 10 1 1 ? 2020,2023)', FRIDAY)).toBeUndefined();
  });
});

describe('startSchedule', () => {
  const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

  beforeEach(() => {
    vi.useFakeTimers({ now: at(FRIDAY) });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.clearAllMocks();
  });

  it('invokes the handler with a Scheduled Event at each run', async () => {
    const events: ScheduledEvent[] = [];
    const schedule = startSchedule({
      expression: 'cron(0/15 * * * ? *)',
      handler: (event) => {
        events.push(event);
        return Promise.resolve();
      },
      ruleName: 'sweep',
      logger,
    });
    expect(schedule.nextRunAt()?.toISOString()).toBe('2024-03-15T10:15:00.000Z');

    await vi.advanceTimersByTimeAsync(7.5 * 60_000 - 1);
    expect(events).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toEqual([
      {
        version: '0',
        id: expect.any(String),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: '2024-03-15T10:15:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:events:us-east-1:000000000000:rule/sweep'],
        detail: {},
      },
    ]);
    expect(schedule.nextRunAt()?.toISOString()).toBe('2024-03-15T10:30:00.000Z');

    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(events.map((event) => event.time)).toEqual(['2024-03-15T10:15:00Z', '2024-03-15T10:30:00Z', '2024-03-15T10:45:00Z']);
    await schedule.stop();
  });

  it('skips a run while the previous one is still going', async () => {
    let finishRun = () => {};
    const handler = vi.fn(() => new Promise<void>((resolve) => (finishRun = resolve)));
    const schedule = startSchedule({ expression: 'rate(1 minute)', handler, logger });

    await vi.advanceTimersByTimeAsync(60_000);
    expect(handler).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('previous run is still going'));

    finishRun();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(handler).toHaveBeenCalledTimes(2);
    finishRun();
    await schedule.stop();
  });

  it('keeps running after a failed run', async () => {
    const handler = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(undefined);
    const schedule = startSchedule({ expression: 'rate(1 minute)', handler, logger });

    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(handler).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('failed'), expect.any(Error));
    await schedule.stop();
  });

  it('waits far beyond setTimeout’s limit without firing early', async () => {
    const handler = vi.fn(async () => {});
    const schedule = startSchedule({ expression: 'cron(0 0 1 1 ? *)', handler, logger });

    await vi.advanceTimersByTimeAsync(200 * 86_400_000);
    expect(handler).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(at('2025-01-01T00:00:00Z').getTime() - Date.now());
    expect(handler).toHaveBeenCalledTimes(1);
    await schedule.stop();
  });

  it('stop() waits for the run in progress and cancels the rest', async () => {
    let finished = false;
    const handler = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      finished = true;
    });
    const schedule = startSchedule({ expression: 'rate(1 minute)', handler, logger });
    await vi.advanceTimersByTimeAsync(60_000);

    const stopped = schedule.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    await stopped;
    expect(finished).toBe(true);
    expect(schedule.nextRunAt()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
