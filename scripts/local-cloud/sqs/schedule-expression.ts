import { CronExpressionParser } from 'cron-parser';

/** A parsed EventBridge schedule expression. Cron schedules run in UTC, as EventBridge rules do. */
export type Schedule =
  | { kind: 'rate'; expression: string; periodMs: number }
  | {
      kind: 'cron';
      expression: string;
      /** cron-parser's 6 fields (seconds first); day-of-week renumbered, `W` and year handled here. */
      cronParserFields: string;
      /** Allowed years, ascending; undefined means any. */
      years: readonly number[] | undefined;
      /** Day-of-month `15W` or `LW`: the weekday nearest that day. */
      nearestWeekdayTo: number | 'L' | undefined;
    };

export class InvalidScheduleExpressionError extends Error {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`Invalid schedule expression "${expression}": ${reason}`);
    this.name = 'InvalidScheduleExpressionError';
  }
}

const UNIT_MS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']; // AWS numbers these 1–7
const FIRST_YEAR = 1970;
const LAST_YEAR = 2199;
// Each step jumps at least a day; this is decades of a schedule whose W-day never exists (e.g. 30W in February).
const SEARCH_LIMIT = 20_000;

/**
 * Parses a serverless.yml `schedule` expression: `rate(5 minutes)` or AWS's 6-field
 * `cron(minutes hours day-of-month month day-of-week year)`.
 *
 * @example parseScheduleExpression('cron(0/15 * * * ? *)')
 */
export function parseScheduleExpression(expression: string): Schedule {
  const [, kind, inner = ''] = /^\s*(rate|cron)\((.*)\)\s*$/.exec(expression) ?? [];
  try {
    if (kind === 'rate') return { kind: 'rate', expression, periodMs: parseRate(inner) };
    if (kind === 'cron') return { kind: 'cron', expression, ...parseCron(inner) };
  } catch (error) {
    throw new InvalidScheduleExpressionError(expression, error instanceof Error ? error.message : String(error));
  }
  throw new InvalidScheduleExpressionError(expression, 'expected rate(value unit) or cron(6 fields)');
}

/**
 * The first run strictly after `after`, or undefined if there is none (a cron limited to past years).
 * Rates count whole periods from `startedAt`, as EventBridge counts from when the rule was created.
 */
export function nextRunAfter(schedule: Schedule, after: Date, startedAt: Date): Date | undefined {
  switch (schedule.kind) {
    case 'rate': {
      const periods = Math.max(1, Math.floor((after.getTime() - startedAt.getTime()) / schedule.periodMs) + 1);
      return new Date(startedAt.getTime() + periods * schedule.periodMs);
    }
    case 'cron':
      return nextCronRun(schedule, after);
    default: {
      const _exhaustive: never = schedule;
      return _exhaustive;
    }
  }
}

function parseRate(inner: string): number {
  const [, value = '', unit = ''] = /^\s*(\d+)\s+([a-z]+)\s*$/.exec(inner) ?? [];
  const unitMs = UNIT_MS[unit];
  const amount = Number(value);
  if (unitMs === undefined || !(amount >= 1)) {
    throw new Error('rate needs a positive whole number and minute(s), hour(s) or day(s), e.g. rate(5 minutes)');
  }
  // EventBridge rejects rate(1 minutes) and rate(5 minute).
  if (unit.endsWith('s') !== amount > 1) throw new Error(`"${unit}" is ${amount > 1 ? 'singular' : 'plural'}`);
  return amount * unitMs;
}

function parseCron(inner: string): Omit<Extract<Schedule, { kind: 'cron' }>, 'kind' | 'expression'> {
  const fields = inner.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(`cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) throw new Error('exactly one of day-of-month and day-of-week must be ?');
  // Field alphabets as AWS allows them; this also keeps out cron-parser extensions such as H.
  expectChars('minutes', minutes, /^[\d,\-*/]+$/);
  expectChars('hours', hours, /^[\d,\-*/]+$/);
  expectChars('day-of-month', dayOfMonth, /^([\d,\-*/?L]+|(\d{1,2}|L)W)$/);

  const [, weekdayTo] = /^(\d{1,2}|L)W$/.exec(dayOfMonth) ?? [];
  const nearestWeekdayTo = weekdayTo === undefined ? undefined : weekdayTo === 'L' ? 'L' : inRange('day-of-month', weekdayTo, 1, 31);
  const cronParserFields = [
    '0',
    minutes,
    hours,
    nearestWeekdayTo === undefined ? dayOfMonth : '*',
    expectChars('month', replaceNames(month, MONTHS, 1), /^[\d,\-*/]+$/),
    dayOfWeek === '?' ? '?' : dayOfWeek.split(',').map(toCronParserDay).join(','),
  ].join(' ');
  CronExpressionParser.parse(cronParserFields, { tz: 'UTC' }); // surfaces out-of-range values now, not at the first run
  return { cronParserFields, years: parseYears(year), nearestWeekdayTo };
}

// AWS numbers days 1 (SUN) – 7 (SAT); cron-parser 0 (SUN) – 6, with 7 as another Sunday, so open-ended
// steps (`2/2`) get an explicit end lest they reach 7.
function toCronParserDay(item: string): string {
  const named = replaceNames(item, DAYS, 1);
  if (named === 'L') return '6'; // last day of the week
  const day = (value: string): number => inRange('day-of-week', value, 1, 7) - 1;
  const [, lastOf] = /^(\d)L$/.exec(named) ?? [];
  if (lastOf !== undefined) return `${day(lastOf)}L`;
  const [, nth, occurrence] = /^(\d)#([1-5])$/.exec(named) ?? [];
  if (nth !== undefined) return `${day(nth)}#${occurrence}`;
  const [, start, end, step] = /^(\*|\d)(?:-(\d))?(?:\/(\d+))?$/.exec(named) ?? [];
  if (start === undefined || (start === '*' && end !== undefined)) throw new Error(`invalid day-of-week "${item}"`);
  const from = start === '*' ? 0 : day(start);
  const to = end !== undefined ? day(end) : start === '*' || step !== undefined ? 6 : from;
  const range = from === to ? `${from}` : `${from}-${to}`;
  return step === undefined ? range : `${range}/${step}`;
}

function parseYears(field: string): readonly number[] | undefined {
  if (field === '*') return undefined;
  const years = new Set<number>();
  for (const item of field.split(',')) {
    const [, start, end, step] = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item) ?? [];
    if (start === undefined || (start === '*' && end !== undefined)) throw new Error(`invalid year "${item}"`);
    const from = start === '*' ? FIRST_YEAR : inRange('year', start, FIRST_YEAR, LAST_YEAR);
    const to = end !== undefined ? inRange('year', end, from, LAST_YEAR) : start === '*' || step !== undefined ? LAST_YEAR : from;
    const by = step === undefined ? 1 : inRange('year step', step, 1, LAST_YEAR - FIRST_YEAR);
    for (let y = from; y <= to; y += by) years.add(y);
  }
  return [...years].sort((a, b) => a - b);
}

function nextCronRun(schedule: Extract<Schedule, { kind: 'cron' }>, after: Date): Date | undefined {
  let from = after;
  for (let step = 0; step < SEARCH_LIMIT; step += 1) {
    const candidate = CronExpressionParser.parse(schedule.cronParserFields, { currentDate: from, tz: 'UTC' }).next().toDate();
    const year = candidate.getUTCFullYear();
    const month = candidate.getUTCMonth();
    if (schedule.years !== undefined && !schedule.years.includes(year)) {
      const nextYear = schedule.years.find((y) => y > year);
      if (nextYear === undefined) return undefined;
      from = new Date(Date.UTC(nextYear, 0, 1) - 1);
    } else if (
      schedule.nearestWeekdayTo !== undefined &&
      candidate.getUTCDate() !== nearestWeekday(schedule.nearestWeekdayTo, year, month)
    ) {
      from = new Date(Date.UTC(year, month, candidate.getUTCDate() + 1) - 1);
    } else {
      return candidate;
    }
  }
  return undefined;
}

// Quartz's rule, which AWS follows: the nearest Monday–Friday within the same month.
function nearestWeekday(day: number | 'L', year: number, month: number): number | undefined {
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const target = day === 'L' ? lastDay : day;
  if (target > lastDay) return undefined;
  const weekday = new Date(Date.UTC(year, month, target)).getUTCDay();
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === lastDay ? target - 2 : target + 1;
  return target;
}

function replaceNames(field: string, names: readonly string[], firstNumber: number): string {
  return field.toUpperCase().replace(/[A-Z]{3}/g, (name) => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`unknown name "${name}"`);
    return String(index + firstNumber);
  });
}

function expectChars(name: string, field: string, pattern: RegExp): string {
  if (!pattern.test(field)) throw new Error(`invalid ${name} field "${field}"`);
  return field;
}

function inRange(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!(n >= min && n <= max)) throw new Error(`${name} ${value} is outside ${min}–${max}`);
  return n;
}
