import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * An X-Ray tracer (Powertools). It disables itself outside Lambda (no `AWS_EXECUTION_ENV`) and under
 * `POWERTOOLS_TRACE_ENABLED=false`, so the same code runs locally and in tests without an X-Ray daemon.
 *
 * @example
 *   const tracer = createTracer('tickets');
 *   const dynamo = tracer.captureAWSv3Client(new DynamoDBClient({}));
 *   tracer.putAnnotation('ticketId', ticketId);
 */
export function createTracer(serviceName: string): Tracer {
  return new Tracer({ serviceName });
}
