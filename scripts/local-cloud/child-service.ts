/**
 * The protocol of the local cloud's child processes (the embedded MongoDB, the backend, the emulators):
 * the child sends `{ kind: 'started', ... }` or `{ kind: 'failed', ... }` once, then stops when its parent
 * sends `'stop'` (or goes away) and exits after saying `stopped` or `failed`. Other messages (logs, the
 * emulators' deliveries) are the caller's business.
 */
import type { ChildProcess } from 'node:child_process';
import { format } from 'node:util';

export interface FailedMessage {
  kind: 'failed';
  message: string;
  name?: string;
  code?: string;
}

export interface ChildService<Started> {
  started: Started;
  /** Asks the child to stop and waits until it exited; rejects with its error if its stop failed. */
  stop: () => Promise<void>;
}

export function superviseChild<Started extends { kind: 'started' }>(
  child: ChildProcess,
  options: {
    name: string;
    /** The child's failure as an Error the caller would have got in-process. */
    failure?: (message: FailedMessage) => Error;
    /** Called if the child exits before it was asked to stop. */
    onUnexpectedExit: (error: Error) => void;
  },
): Promise<ChildService<Started>> {
  const failure = options.failure ?? ((message: FailedMessage) => new Error(message.message));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return new Promise((resolve, reject) => {
    const exitedEarly = (code: number | null, signal: string | null) => reject(new Error(`${options.name} exited before starting (${signal ?? `code ${code}`})`));
    child.once('error', reject);
    child.once('exit', exitedEarly);
    const onMessage = (message: { kind: string }) => {
      if (message.kind !== 'started' && message.kind !== 'failed') return;
      child.off('message', onMessage);
      child.off('error', reject);
      child.off('exit', exitedEarly);
      if (message.kind === 'failed') {
        reject(failure(message as FailedMessage));
        return;
      }
      child.on('exit', (code, signal) => {
        if (!stopping) options.onUnexpectedExit(new Error(`${options.name} exited unexpectedly (${signal ?? `code ${code}`})`));
      });
      resolve({
        started: message as Started,
        stop: () =>
          (stopping ??= new Promise<void>((stopped, failed) => {
            child.on('message', (reply: { kind: string }) => (reply.kind === 'failed' ? failed(failure(reply as FailedMessage)) : undefined));
            void exited.then(() => stopped());
            if (child.connected) child.send('stop');
          })),
      });
    };
    child.on('message', onMessage);
  });
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A log line a child sends its parent, which prints it with its own logger. */
export interface LogMessage {
  kind: 'log';
  level: LogLevel;
  message: string;
}

/** In a child: a console-like logger whose lines go to the parent as LogMessages. */
export function parentLogger(): Pick<Console, LogLevel> {
  const log =
    (level: LogLevel) =>
    (...args: unknown[]) =>
      process.connected && process.send!({ kind: 'log', level, message: format(...args) } satisfies LogMessage);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** In a child: exits once the message is on its way (a plain exit could drop it); with no parent left, at once. */
export function exitAfter(message: unknown, code: number): void {
  if (process.connected) process.send!(message, () => process.exit(code));
  else process.exit(code);
}
