import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { catalog, latestVersionOf } from './catalog';
import { commonSchemas, eventSchemas } from './generated/schemas';
import type { CogdeskEvent, PublishedEvent } from './types';
import { upcastToLatest } from './upcast';
import { describeAjvErrors, type ValidationIssue } from './validation-issues';

export type ValidationResult = { ok: true; event: CogdeskEvent } | { ok: false; errors: ValidationIssue[] };

// allErrors stays off, as Ajv advises for untrusted input: validation stops at the first failure, which
// describeAjvErrors can then turn into one readable issue.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, schemas: [...commonSchemas, ...eventSchemas] });
addFormats(ajv);

// Compiled once, when the module loads, so a broken schema fails at start-up rather than on the first event.
const validators = new Map(
  catalog.map((entry) => {
    const validate = ajv.getSchema<PublishedEvent>(entry.schemaId);
    if (!validate) throw new Error(`schema ${entry.schemaId} is missing`);
    return [entry.detailType, validate];
  }),
);

/**
 * Validates an envelope against the schema of its `type` and `version`. An older version is then upcast to the
 * latest and checked again, so a valid result is always the latest version of its type.
 *
 * @example
 *   const result = validateEvent(JSON.parse(record.body).detail);
 *   if (!result.ok) logger.warn('invalid event', { errors: result.errors });
 */
export function validateEvent(envelope: unknown): ValidationResult {
  const found = validatorFor(envelope);
  if ('message' in found) return { ok: false, errors: [found] };
  if (!found(envelope)) return { ok: false, errors: describeAjvErrors(found.errors ?? []) };
  if (isLatest(envelope)) return { ok: true, event: envelope };
  return validateEvent(upcastToLatest(envelope));
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    /** The `detail-type` the envelope claims, e.g. `ticket.created.v1`. */
    readonly detailType: string,
    readonly errors: ValidationIssue[],
  ) {
    const shown = errors.slice(0, 3).map((error) => `${error.path || '(envelope)'}: ${error.message}`);
    const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : '';
    super(`invalid ${detailType} event: ${shown.join('; ')}${more}`);
  }
}

/** Like validateEvent, but returns the (latest-version) event or throws an InvalidEventError. */
export function assertValidEvent(envelope: unknown): CogdeskEvent {
  const result = validateEvent(envelope);
  if (result.ok) return result.event;
  throw new InvalidEventError(claimedDetailType(envelope), result.errors);
}

function validatorFor(envelope: unknown): ValidateFunction<PublishedEvent> | ValidationIssue {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return { path: '', message: 'must be an event envelope (an object)' };
  }
  const { type, version } = envelope as { type?: unknown; version?: unknown };
  const versions = catalog.filter((entry) => entry.type === type).map((entry) => `v${entry.version}`);
  if (versions.length === 0) {
    const known = [...new Set(catalog.map((entry) => entry.type))].join(', ');
    return {
      path: 'type',
      message: `${type === undefined ? 'required' : `unknown event type ${JSON.stringify(type)}`}; known: ${known}`,
    };
  }
  const validate = validators.get(`${String(type)}.v${String(version)}`);
  if (!validate) {
    const got = version === undefined ? 'required' : `no published version ${JSON.stringify(version)}`;
    return { path: 'version', message: `${got}; ${String(type)} has ${versions.join(', ')}` };
  }
  return validate;
}

function isLatest(event: PublishedEvent): event is CogdeskEvent {
  return event.version === latestVersionOf(event.type);
}

function claimedDetailType(envelope: unknown): string {
  const { type, version } = (envelope ?? {}) as { type?: unknown; version?: unknown };
  if (typeof type !== 'string') return 'untyped';
  return typeof version === 'number' ? `${type}.v${version}` : type;
}
