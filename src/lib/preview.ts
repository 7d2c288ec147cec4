import { transact, type Db, type Trx } from './db';

/*
 * `?preview=true`: run the very code of an operation, then roll everything back. The answer is
 * what the operation would do now — the same checks, locks and choices, not a second copy of
 * the rules that could drift — and nothing of it stays: no rows, no audit event, no outbox
 * message, no idempotency record.
 */

class RolledBack<T> extends Error {
  constructor(readonly value: T) {
    super('dry run rolled back');
  }
}

export async function dryRun<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  try {
    await transact(db, async (trx) => {
      throw new RolledBack(await fn(trx));
    });
  } catch (err) {
    if (err instanceof RolledBack) return err.value as T;
    throw err;
  }
  throw new Error('unreachable: a dry run always rolls back');
}
