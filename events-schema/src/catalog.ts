import { eventSchemas } from './generated/schemas';
import type { EventType } from './types';

export interface CatalogEntry {
  /** Unversioned, e.g. `ticket.created`. */
  type: EventType;
  version: number;
  /** The EventBridge `detail-type`: `${type}.v${version}`, e.g. `ticket.created.v1`. */
  detailType: string;
  /** The EventBridge `source`, i.e. the producer, e.g. `cogdesk.tickets`. */
  source: string;
  /** The JSON Schema's `$id`. */
  schemaId: string;
}

/** Every published event version, read from the schemas themselves (their `type`, `version` and `source` consts). */
export const catalog: readonly CatalogEntry[] = eventSchemas.map((schema) => {
  // The generated types are derived from the same `const`s, so this is exactly the set of EventType values.
  const type = schema.properties.type.const as EventType;
  const version = schema.properties.version.const;
  return {
    type,
    version,
    detailType: `${type}.v${version}`,
    source: schema.properties.source.const,
    schemaId: schema.$id,
  };
});

/** The latest published version of an event type; undefined for a type no schema defines. */
export function latestVersionOf(type: string): number | undefined {
  const versions = catalog.filter((entry) => entry.type === type).map((entry) => entry.version);
  return versions.length > 0 ? Math.max(...versions) : undefined;
}
