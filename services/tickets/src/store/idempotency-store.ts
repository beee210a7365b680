/**
 * Remembers which ticket an `Idempotency-Key` created, with a hash of the request it came with, so a retry
 * returns the same ticket and a reused key with another body is refused.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';

export interface IdempotencyRecord {
  _id: string;
  requestHash: string;
  ticketId: string;
  createdAt: Date;
}

const DUPLICATE_KEY = 11000;
/** Keys are honoured for a day, as Stripe and the IETF draft suggest; then they may be reused. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export class MongoIdempotencyStore {
  private readonly keys: Collection<IdempotencyRecord>;

  constructor(db: Db) {
    this.keys = db.collection<IdempotencyRecord>('idempotency_keys');
  }

  async ensureIndexes(): Promise<void> {
    await this.keys.createIndex({ createdAt: 1 }, { name: 'expiry', expireAfterSeconds: IDEMPOTENCY_TTL_SECONDS });
  }

  /** Reserves `key` for this request, or returns the record that already holds it. */
  async reserve(record: IdempotencyRecord): Promise<IdempotencyRecord | null> {
    try {
      await this.keys.insertOne(record);
      return null;
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      return this.keys.findOne({ _id: record._id });
    }
  }
}
