import { Aggregator, ProcessingMode, Query } from 'mingo';
import type { Options } from 'mingo/types';
import { cloneDeep, MingoError } from 'mingo/util';
import type { Doc } from './documents';
import { MongoCommandError } from './errors';
import type { ErrorCodeName } from './errors';

// Server-side JavaScript ($where, $function, $accumulator) stays off, as on a hardened mongod.
const MINGO_OPTIONS: Partial<Options> = { idKey: '_id', scriptEnabled: false };

/** Turns mingo's errors (bad operators, bad arguments) into command errors. */
export function rethrowAsCommandError(error: unknown, codeName: ErrorCodeName = 'BadValue'): never {
  if (error instanceof MingoError) throw new MongoCommandError(codeName, error.message);
  throw error;
}

/** The filter as a predicate, or undefined for an empty filter (everything matches). */
export function compileFilter(filter: Doc): ((doc: Doc) => boolean) | undefined {
  if (Object.keys(filter).length === 0) return undefined;
  try {
    const query = new Query(filter, MINGO_OPTIONS);
    return (doc) => {
      try {
        return query.test(doc);
      } catch (error) {
        return rethrowAsCommandError(error);
      }
    };
  } catch (error) {
    return rethrowAsCommandError(error);
  }
}

/**
 * Keeps or drops whole top-level fields, in document order as mongod does. Projections this simple
 * (the common `{ bulky: 0 }` or `{ a: 1, b: 1 }`) need neither mingo nor a copy of nested values.
 */
function topLevelProjection(projection: Doc): ((docs: Doc[]) => Doc[]) | undefined {
  const entries = Object.entries(projection);
  const simple = entries.every(([path, flag]) => !path.includes('.') && !path.startsWith('$') && [0, 1, true, false].includes(flag as number));
  if (!simple) return undefined;
  const included = new Set(entries.filter(([, flag]) => flag).map(([path]) => path));
  const excluded = new Set(entries.filter(([, flag]) => !flag).map(([path]) => path));
  if (included.size > 0 && [...excluded].some((path) => path !== '_id')) return undefined;
  if (included.size > 0 && !excluded.has('_id')) included.add('_id');
  const keep = included.size > 0 ? (key: string): boolean => included.has(key) : (key: string): boolean => !excluded.has(key);
  return (docs) =>
    docs.map((doc) => {
      const projected: Doc = {};
      for (const key of Object.keys(doc)) if (keep(key)) projected[key] = doc[key];
      return projected;
    });
}

/** A find projection applied to a batch; the filter is needed for positional (`a.$`) projections. */
export function compileProjection(projection: Doc | undefined, filter: Doc): ((docs: Doc[]) => Doc[]) | undefined {
  if (!projection || Object.keys(projection).length === 0) return undefined;
  const simple = topLevelProjection(projection);
  if (simple) return simple;
  try {
    const positional = Object.keys(projection).some((path) => path.endsWith('.$'));
    const query = new Query(positional ? filter : {}, MINGO_OPTIONS);
    // mingo may edit nested objects of its input while excluding fields; stored documents must stay intact.
    return (docs) => query.find<Doc>(docs.map((doc) => cloneDeep(doc)), projection).all();
  } catch (error) {
    return rethrowAsCommandError(error);
  }
}

/** Stages known not to modify their input documents, so they can run on stored documents directly. */
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$count', '$group', '$sortByCount']);

/** Runs an aggregation pipeline (or a pipeline-style update) over documents with mingo. */
export function runPipeline(docs: Doc[], pipeline: Doc[], resolveCollection: (name: string) => Doc[] = () => []): Doc[] {
  const readOnly = pipeline.every((stage) => Object.keys(stage).every((name) => READ_ONLY_STAGES.has(name)));
  try {
    const aggregator = new Aggregator(pipeline, {
      ...MINGO_OPTIONS,
      processingMode: readOnly ? ProcessingMode.CLONE_OFF : ProcessingMode.CLONE_INPUT,
      collectionResolver: (name) => resolveCollection(name).map((doc) => cloneDeep(doc)),
    });
    return aggregator.run<Doc>(docs);
  } catch (error) {
    return rethrowAsCommandError(error);
  }
}
