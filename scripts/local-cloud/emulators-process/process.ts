/**
 * The emulators (emulators.ts: SQS/SNS, DynamoDB, EventBridge) in a child process of the backend. In the
 * backend's own event loop, PutEvents and every queue call waited behind the chain's work (Step Functions,
 * the consumers, triage and dedupe): under a burst of new tickets the outbox relay's PutEvents took
 * 200-700 ms and publishing fell 20 s and more behind. Apart, they answer at once, as AWS's services would, and
 * the queues hold the work until the consumers get to it. Step Functions and Lambda targets still run in
 * the backend, beside the functions: the bus hands their events over IPC and retries what fails.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { superviseChild } from '../child-service';
import type { EmulatorEndpoints } from '../emulators';
import type { LocalWiring, RuleTargetSpec } from '../wiring/wiring';
import type { EmulatorsConfig, FromEmulators, ToEmulators } from './protocol';

export interface EmulatorsProcess {
  wiring: LocalWiring;
  endpoints: EmulatorEndpoints;
  queueUrls: Map<string, string>;
  /** Resolves once every delivery the bus had started has succeeded or been given up. */
  drainBus(): Promise<void>;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../../..');

export async function startEmulatorsProcess(
  config: EmulatorsConfig,
  options: {
    /** Runs events for a Step Functions or Lambda target; a rejection has the bus retry them. */
    deliver: (target: RuleTargetSpec, events: string[]) => Promise<void>;
    logger: Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;
    onUnexpectedExit: (error: Error) => void;
  },
): Promise<EmulatorsProcess> {
  const child = fork(fileURLToPath(new URL('./process-main.ts', import.meta.url)), [JSON.stringify(config)], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = (message: ToEmulators) => child.connected && child.send(message);
  const drains = new Map<number, () => void>();
  let nextDrain = 1;
  child.on('message', (message: FromEmulators) => {
    if (message.kind === 'log') options.logger[message.level](message.message);
    if (message.kind === 'drained') drains.get(message.id)?.();
    if (message.kind !== 'deliver') return;
    options.deliver(message.target, message.events).then(
      () => reply({ kind: 'delivered', id: message.id }),
      (error: unknown) => reply({ kind: 'delivered', id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  const { started, stop } = await superviseChild<Extract<FromEmulators, { kind: 'started' }>>(child, {
    name: 'local cloud emulators',
    onUnexpectedExit: (error) => {
      options.logger.error(error.message);
      options.onUnexpectedExit(error);
    },
  });
  const drainBus = () =>
    new Promise<void>((resolve) => {
      const id = nextDrain++;
      const done = () => {
        drains.delete(id);
        child.off('exit', done);
        resolve();
      };
      drains.set(id, done);
      // A child that is gone has nothing left to deliver.
      child.once('exit', done);
      if (!reply({ kind: 'drain', id })) done();
    });
  return { wiring: started.wiring, endpoints: started.endpoints, queueUrls: new Map(started.queueUrls), drainBus, stop };
}
