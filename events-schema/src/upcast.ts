import { latestVersionOf } from './catalog';

/** The envelope fields upcasting reads and writes; every other field passes through unchanged. */
export interface VersionedEnvelope {
  type: string;
  version: number;
  data: unknown;
}

/**
 * Maps the `data` of an event at one version to the `data` of the next version. Only `data` (and `version`)
 * change: an upcast event is the same event (same id, time, actor, correlation) read through a newer schema.
 */
export type Upcaster<E extends VersionedEnvelope = VersionedEnvelope> = (event: E) => unknown;

export interface UpcasterRegistry {
  /** Registers the step from `fromVersion` to `fromVersion + 1` of `type`; one upcaster per step. */
  registerUpcaster: <E extends VersionedEnvelope>(
    type: E['type'],
    fromVersion: E['version'],
    upcast: Upcaster<E>,
  ) => void;
  /** Applies the steps from the event's version to the latest; returns the event itself when it is the latest. */
  upcastToLatest: <E extends VersionedEnvelope>(event: E) => Omit<E, 'version' | 'data'> & VersionedEnvelope;
}

export class UpcastError extends Error {
  override readonly name = 'UpcastError';
}

/**
 * A registry of upcasters over the given versions (the package's own uses the catalog).
 *
 * @example
 *   const registry = createUpcasterRegistry((type) => (type === 'ticket.created' ? 2 : undefined));
 *   registry.registerUpcaster<TicketCreatedV1>('ticket.created', 1, (event) => ({ ...event.data, channel: 'web' }));
 *   registry.upcastToLatest(v1Event); // { ...v1Event, version: 2, data: { ...v1Event.data, channel: 'web' } }
 */
export function createUpcasterRegistry(latestVersionOf: (type: string) => number | undefined): UpcasterRegistry {
  const steps = new Map<string, Upcaster>();
  const step = (type: string, version: number) => `${type} v${version} → v${version + 1}`;

  return {
    registerUpcaster(type, fromVersion, upcast) {
      const latest = latestVersionOf(type);
      if (latest === undefined || fromVersion < 1 || fromVersion >= latest) {
        throw new UpcastError(
          `cannot register ${step(type, fromVersion)}: the latest ${type} is ${latest ? `v${latest}` : 'unknown'}`,
        );
      }
      if (steps.has(step(type, fromVersion))) throw new UpcastError(`${step(type, fromVersion)} is registered twice`);
      // Each step only ever receives events of its own type and version, which E describes.
      steps.set(step(type, fromVersion), upcast as Upcaster);
    },

    upcastToLatest(event) {
      const latest = latestVersionOf(event.type);
      if (latest === undefined) throw new UpcastError(`unknown event type "${event.type}"`);
      if (event.version > latest) {
        throw new UpcastError(`${event.type} v${event.version} is newer than the latest this code knows (v${latest})`);
      }
      let current: Omit<typeof event, 'version' | 'data'> & VersionedEnvelope = event;
      while (current.version < latest) {
        const upcast = steps.get(step(current.type, current.version));
        if (!upcast) throw new UpcastError(`no upcaster for ${step(current.type, current.version)}`);
        current = { ...current, version: current.version + 1, data: upcast(current) };
      }
      return current;
    },
  };
}

const registry = createUpcasterRegistry(latestVersionOf);

/** Registers an upcaster of the published events; register them where the new version's schema is added. */
export const registerUpcaster = registry.registerUpcaster;

/** Brings a published event of any version to the latest version of its type. */
export const upcastToLatest = registry.upcastToLatest;
