import { describe, expect, it } from 'vitest';
import { compareRouteSpecificity, honoPath, routeSpecificity } from './gateway';

describe('gateway routes', () => {
  it("translates API Gateway's path syntax to Hono's", () => {
    expect(honoPath('/api/tickets/{id}/similar')).toBe('/api/tickets/:id/similar');
    expect(honoPath('/api/tickets/{proxy+}')).toBe('/api/tickets/*');
  });

  it('ranks literal segments over parameters over greedy paths, as API Gateway chooses', () => {
    const paths = ['/api/tickets/{proxy+}', '/api/tickets/{id}/similar', '/api/tickets', '/api/tickets/import'];
    expect([...paths].sort(compareRouteSpecificity)).toEqual([
      '/api/tickets/import',
      '/api/tickets/{id}/similar',
      '/api/tickets',
      '/api/tickets/{proxy+}',
    ]);
    expect(routeSpecificity('/api/tickets/{id}/similar')).toEqual([2, 2, 1, 2]);
  });
});
