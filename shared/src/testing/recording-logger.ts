import type { AppLogger, LogAttributes } from '../observability/logger';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** The logger's persistent keys merged with the call's attributes. */
  attributes: LogAttributes;
}

/**
 * An `AppLogger` that keeps entries in memory for assertions; children write to the same list.
 *
 * @example
 *   const logger = new RecordingLogger();
 *   await handler(batch);
 *   expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'error', message: 'Rejected SQS message' }));
 */
export class RecordingLogger implements AppLogger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly persistentKeys: LogAttributes = {},
  ) {}

  debug(message: string, ...attributes: LogAttributes[]): void {
    this.#record('debug', message, attributes);
  }

  info(message: string, ...attributes: LogAttributes[]): void {
    this.#record('info', message, attributes);
  }

  warn(message: string, ...attributes: LogAttributes[]): void {
    this.#record('warn', message, attributes);
  }

  error(message: string, ...attributes: LogAttributes[]): void {
    this.#record('error', message, attributes);
  }

  createChild({ persistentKeys }: { persistentKeys: LogAttributes }): RecordingLogger {
    return new RecordingLogger(this.entries, { ...this.persistentKeys, ...persistentKeys });
  }

  #record(level: LogEntry['level'], message: string, attributes: LogAttributes[]): void {
    this.entries.push({ level, message, attributes: Object.assign({}, this.persistentKeys, ...attributes) as LogAttributes });
  }
}
