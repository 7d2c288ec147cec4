import type { FieldCipher } from '../lib/crypto';
import type { Actor } from '../lib/auth';
import type { Db, Trx } from '../lib/db';
import { claimChangesOf } from './claim-changes.repository';
import { audienceOf } from './claims.access';
import type { ClaimRow } from './claims.repository';
import type { ClaimChangesTable } from './claims.table';

type Field = ClaimChangesTable['field'];

export const NOTES_FIELD = 'claims.notes';
export const CHANGE_NOTES_FIELD = 'claim_changes.notes';

export function notesOf(cipher: FieldCipher, row: ClaimRow): string | null {
  return cipher.decryptNullable(NOTES_FIELD, row.notes_enc);
}

export interface ClaimChangeView {
  field: Field;
  from?: string | null;
  to?: string | null;
  reason?: string;
  by: string;
  at: string;
}

export interface ClaimParticularsView {
  /** Legal aid only. */
  notes?: string | null;
  changes: ClaimChangeView[];
}

/**
 * The notes and the correction history, as GET and PATCH answer them. Auditors (oversight) see
 * that a field changed, when and by whom, never case numbers, notes or reasons.
 */
export async function particulars(
  db: Db | Trx,
  cipher: FieldCipher,
  actor: Actor,
  row: ClaimRow,
): Promise<ClaimParticularsView> {
  const changes = await claimChangesOf(db, row.id);
  const oversight = audienceOf(actor) === 'oversight';
  const open = (v: string | null, field: Field) =>
    field === 'notes' ? cipher.decryptNullable(CHANGE_NOTES_FIELD, v) : v;
  const views: ClaimChangeView[] = changes.map((c) => ({
    field: c.field,
    ...(oversight
      ? {}
      : { from: open(c.from_value, c.field), to: open(c.to_value, c.field), reason: c.reason }),
    by: c.changed_by,
    at: c.changed_at.toISOString(),
  }));
  return {
    ...(oversight || actor.role !== 'legal_aid' ? {} : { notes: notesOf(cipher, row) }),
    changes: views,
  };
}
