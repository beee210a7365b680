import { StepFunctionsError } from './errors';

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

/**
 * One page of `items` in the order given. The token names the last item returned (not an offset), so pages stay
 * right while new executions or history events arrive. AWS: maxResults 0 or absent means 100, at most 1000.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  { maxResults, nextToken }: PageRequest,
): { items: T[]; nextToken?: string } {
  const limit = maxResults ? Math.min(maxResults, 1000) : 100;
  let start = 0;
  if (nextToken !== undefined) {
    const key = Buffer.from(nextToken, 'base64url').toString('utf8');
    const index = items.findIndex((item) => keyOf(item) === key);
    if (index < 0) throw new StepFunctionsError('InvalidToken', `Invalid Token: '${nextToken}'`);
    start = index + 1;
  }
  const page = items.slice(start, start + limit);
  const last = page.at(-1);
  if (last === undefined || start + limit >= items.length) return { items: page };
  return { items: page, nextToken: Buffer.from(keyOf(last), 'utf8').toString('base64url') };
}
