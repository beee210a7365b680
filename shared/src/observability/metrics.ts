import { Metrics } from '@aws-lambda-powertools/metrics';
import { createLogger } from './logger';

/**
 * CloudWatch metrics in Embedded Metric Format (Powertools), flushed with `publishStoredMetrics()`.
 * Set `POWERTOOLS_METRICS_DISABLED=true` (or `POWERTOOLS_DEV=true`) to emit nothing, e.g. in tests and
 * locally; Powertools' own warnings go through the structured logger, so `POWERTOOLS_LOG_LEVEL` silences them.
 *
 * @example
 *   const metrics = createMetrics('Cogdesk', 'triage');
 *   metrics.addMetric('TicketsTriaged', MetricUnit.Count, 1);
 *   metrics.publishStoredMetrics();
 */
export function createMetrics(namespace: string, serviceName: string): Metrics {
  return new Metrics({ namespace, serviceName, logger: createLogger(serviceName) });
}
