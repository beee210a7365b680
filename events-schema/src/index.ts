export type * from './types';
export { catalog, latestVersionOf, type CatalogEntry } from './catalog';
export { assertValidEvent, InvalidEventError, validateEvent, type ValidationResult } from './validate';
export type { ValidationIssue } from './validation-issues';
export {
  createUpcasterRegistry,
  registerUpcaster,
  upcastToLatest,
  UpcastError,
  type Upcaster,
  type UpcasterRegistry,
  type VersionedEnvelope,
} from './upcast';
