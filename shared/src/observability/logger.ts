import { Logger } from '@aws-lambda-powertools/logger';
import { detailTypeOf, type EventEnvelope } from '../events/envelope';

export type LogAttributes = Record<string, unknown>;

/**
 * What shared helpers need from a logger. Powertools' `Logger` satisfies it; tests can pass
 * `RecordingLogger` from `@cogdesk/shared/testing/recording-logger`.
 */
export interface AppLogger {
  debug(message: string, ...attributes: LogAttributes[]): void;
  info(message: string, ...attributes: LogAttributes[]): void;
  warn(message: string, ...attributes: LogAttributes[]): void;
  error(message: string, ...attributes: LogAttributes[]): void;
  /** A logger whose every entry also carries `persistentKeys`. */
  createChild(options: { persistentKeys: LogAttributes }): AppLogger;
}

/**
 * A structured JSON logger (Powertools). Level comes from `POWERTOOLS_LOG_LEVEL` (default INFO);
 * without `serviceName` it falls back to `POWERTOOLS_SERVICE_NAME`.
 *
 * @example
 *   const logger = createLogger('tickets');
 *   logger.info('Ticket created', { ticketId });
 */
export function createLogger(serviceName?: string): Logger {
  return new Logger(serviceName === undefined ? {} : { serviceName });
}

/**
 * The keys that tie a log line to the event being handled, so one request can be followed across services.
 *
 * @example
 *   eventLogKeys(event); // { eventId: 'e-1', eventType: 'ticket.created.v1', subject: 't-1', correlationId: 'c-1', causationId: null }
 */
export function eventLogKeys(event: EventEnvelope): LogAttributes {
  return {
    eventId: event.id,
    eventType: detailTypeOf(event),
    subject: event.subject,
    correlationId: event.correlationId,
    causationId: event.causationId,
  };
}

/**
 * A child logger whose every entry carries the event's id, type, subject, correlation and causation ids.
 *
 * @example
 *   const log = withEventContext(logger, event);
 *   log.info('Ticket projected'); // {"message":"Ticket projected","correlationId":"c-1","eventId":"e-1",...}
 */
export function withEventContext(logger: AppLogger, event: EventEnvelope): AppLogger {
  return logger.createChild({ persistentKeys: eventLogKeys(event) });
}
