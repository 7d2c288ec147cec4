import type { Db } from '../lib/db';

/**
 * Claims a form's one-time key for its user. Returns null when this submission is the first;
 * otherwise the earlier submission's row (its outcome is null while it runs or if it failed hard).
 */
export async function claimFormKey(
  db: Db,
  key: { userId: string; formKey: string; action: string },
): Promise<{ action: string; outcome: string | null } | null> {
  const inserted = await db
    .insertInto('console_form_keys')
    .values({ user_id: key.userId, form_key: key.formKey, action: key.action, outcome: null })
    .onConflict((oc) => oc.doNothing())
    .returning('form_key')
    .executeTakeFirst();
  if (inserted) return null;
  const prior = await db
    .selectFrom('console_form_keys')
    .select(['action', 'outcome'])
    .where('user_id', '=', key.userId)
    .where('form_key', '=', key.formKey)
    .executeTakeFirst();
  return prior ?? { action: key.action, outcome: null };
}

export async function recordFormOutcome(
  db: Db,
  userId: string,
  formKey: string,
  outcome: string,
): Promise<void> {
  await db
    .updateTable('console_form_keys')
    .set({ outcome })
    .where('user_id', '=', userId)
    .where('form_key', '=', formKey)
    .execute();
}

/** A refused submission gives its key back, so the corrected form can be sent again. */
export async function releaseFormKey(db: Db, userId: string, formKey: string): Promise<void> {
  await db
    .deleteFrom('console_form_keys')
    .where('user_id', '=', userId)
    .where('form_key', '=', formKey)
    .where('outcome', 'is', null)
    .execute();
}
