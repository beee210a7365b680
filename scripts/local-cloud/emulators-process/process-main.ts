/**
 * Entry point of the emulators' process (see process.ts). Stops when the backend asks, and by itself if
 * the backend goes away without asking. Ctrl-C reaches the whole process group: it ignores SIGINT and
 * lets the backend stop it in order.
 */
import { format } from 'node:util';
import { exitAfter, parentLogger } from '../child-service';
import { startEmulators, type Emulators } from '../emulators';
import type { EmulatorsConfig, FromEmulators, ToEmulators } from './protocol';

process.on('SIGINT', () => undefined);
const config = JSON.parse(process.argv[2]!) as EmulatorsConfig;
const send = (message: FromEmulators) => process.connected && process.send!(message);
const logger = parentLogger();

// Deliveries the backend has not answered yet; a lost backend fails them, and the bus retries or gives up.
const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
let nextId = 1;

let emulators: Emulators | undefined;
let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= (async () => {
    for (const delivery of pending.values()) delivery.reject(new Error('the backend is stopping'));
    await emulators?.stop();
  })().then(
    () => exitAfter({ kind: 'stopped' }, 0),
    (error: unknown) => exitAfter({ kind: 'failed', message: format(error) }, 1),
  ));

process.on('message', (message: ToEmulators) => {
  if (message === 'stop') return void stop();
  if (message.kind === 'drain') {
    const { id } = message;
    return void emulators?.bus.drain().then(() => send({ kind: 'drained', id }));
  }
  const delivery = pending.get(message.id);
  pending.delete(message.id);
  if (message.error === undefined) delivery?.resolve();
  else delivery?.reject(new Error(message.error));
});
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());

try {
  emulators = await startEmulators({
    ...config,
    logger,
    deliverElsewhere: (target, events) =>
      new Promise((resolve, reject) => {
        if (!process.connected) return reject(new Error('the backend is gone'));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        send({ kind: 'deliver', id, target, events });
      }),
  });
  send({ kind: 'started', wiring: emulators.wiring, endpoints: emulators.endpoints, queueUrls: [...emulators.queueUrls] });
} catch (error) {
  exitAfter({ kind: 'failed', message: format(error) }, 1);
}
