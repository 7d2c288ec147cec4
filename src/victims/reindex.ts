import type { AppContext } from '../context';
import { transact } from '../lib/db';
import { replaceNameIndex } from './name-index';
import { deleteAllNameIndexRows, victimsWithoutNameIndex } from './name-index.repository';
import { FIELD } from './victims.mapper';

const BATCH = 500;

/**
 * Builds the name index of every victim that has none (registered before the index existed).
 * The migration cannot: the key lives outside the database. Runs at every start of the API
 * (cheap when nothing is missing) and as `npm run cli -- reindex-victims`. With `all`, rebuilds
 * every victim's index: after BLIND_INDEX_KEY changes, all old rows are unreadable noise.
 */
export async function reindexVictimNames(ctx: AppContext, options: { all?: boolean } = {}): Promise<number> {
  if (options.all) await deleteAllNameIndexRows(ctx.db);
  let done = 0;
  for (;;) {
    const batch = await victimsWithoutNameIndex(ctx.db, BATCH);
    if (batch.length === 0) return done;
    await transact(ctx.db, async (trx) => {
      for (const v of batch)
        await replaceNameIndex(trx, ctx.cipher, {
          id: v.id,
          organizationId: v.organization_id,
          fullName: ctx.cipher.decrypt(FIELD.fullName, v.full_name_enc),
        });
    });
    done += batch.length;
  }
}
