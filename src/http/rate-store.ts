import crypto from 'node:crypto';
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { registerHandler, registerSchedule } from '../jobs/queue';
import {
  decrementHits,
  deleteExpiredHits,
  getHits,
  incrementHits,
  resetHits,
  resetHitsWithPrefix,
  type Hits,
} from './rate-limit.repo';

const info = (h: Hits): ClientRateLimitInfo => ({ totalHits: h.hits, resetTime: h.resetAt });

/**
 * express-rate-limit's store in PostgreSQL: every app process counts in the same rows, so two web processes
 * behind one proxy allow what one would, not twice as much. A limiter's name makes its keys its own (the same
 * address counts apart for the login and for the public check); the client's key is hashed so that the table holds
 * no addresses, logins or contacts.
 */
export class PgRateStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;

  constructor(name: string) {
    this.prefix = `${name}:`;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(k: string): string {
    return this.prefix + crypto.createHash('sha256').update(k).digest('base64url');
  }

  async increment(key: string): Promise<IncrementResponse> {
    return info(await incrementHits(this.key(key), this.windowMs));
  }

  async decrement(key: string): Promise<void> {
    await decrementHits(this.key(key));
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const h = await getHits(this.key(key));
    return h ? info(h) : undefined;
  }

  async resetKey(key: string): Promise<void> {
    await resetHits(this.key(key));
  }

  async resetAll(): Promise<void> {
    await resetHitsWithPrefix(this.prefix);
  }
}

// Expired counters are dropped by whichever worker takes the job (an expired row is harmless meanwhile).
registerHandler('rate-limit.cleanup', async () => {
  await deleteExpiredHits();
});
registerSchedule('rate-limit.cleanup', '*/15 * * * *');
