import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';

/** The ledger chain's SQL: the sealer's lock, its reads and its one update; verify's reads (and its balance check). */

const LEDGER_SEAL_LOCK = sql`hashtextextended('redress:ledger-sealer', 0)`;

/** One sealer at a time, until the transaction ends. */
export async function lockLedgerSealer(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LEDGER_SEAL_LOCK})`.execute(trx);
}

/** The chain's last link, undefined while nothing is sealed. */
export async function lastSealedLink(trx: Trx) {
  return trx
    .selectFrom('ledger_entries')
    .select(['chain_seq', 'hash'])
    .where('chain_seq', 'is not', null)
    .orderBy('chain_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Committed entries not sealed yet, in id order. */
export async function unsealedEntries(trx: Trx, limit: number) {
  return trx
    .selectFrom('ledger_entries')
    .select(['id', 'write_mac'])
    .where('chain_seq', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export interface Seal {
  id: string;
  seq: string;
  prev: string;
  hash: string;
}

/** Sets the chain columns of each entry, in one statement (the trigger allows it once). */
export async function writeSeals(trx: Trx, keyId: string, seals: Seal[]): Promise<void> {
  await sql`update ledger_entries e set chain_seq = s.seq::bigint, prev_hash = s.prev, hash = s.hash,
      chain_key_id = ${keyId}::text
    from jsonb_to_recordset(${JSON.stringify(seals)}::jsonb) as s(id text, seq text, prev text, hash text)
    where e.id = s.id::bigint`.execute(trx);
}

/** Sealed links after chain_seq `after`, in chain order, with the entry's write proof. */
export async function sealedLinksAfter(db: Db, after: string, limit: number) {
  return db
    .selectFrom('ledger_entries')
    .select([
      'id',
      'chain_seq',
      'prev_hash',
      'hash',
      'chain_key_id',
      sql<string | null>`write_nonce::text`.as('writeNonce'),
      'write_key_id as writeKeyId',
      'write_mac as writeMac',
    ])
    .where('chain_seq', '>', after)
    .orderBy('chain_seq')
    .limit(limit)
    .execute();
}

export async function countUnsealedEntries(db: Db): Promise<number> {
  const { rows } = await sql<{
    n: string;
  }>`select count(*) as n from ledger_entries where chain_seq is null`.execute(db);
  return Number(rows[0]!.n);
}

/**
 * How many accounts there are, and the first (lowest id) whose stored running balances differ
 * from what its postings and its pending reservations' holding lines add up to.
 */
export async function accountBalanceMismatches(
  db: Db,
): Promise<{ checked: string; first_wrong: string | null }> {
  const { rows } = await sql<{ checked: string; first_wrong: string | null }>`
    select count(*)::text as checked,
      min(a.id) filter (where a.posted <> coalesce(p.net, 0) or a.pending <> coalesce(h.held, 0))::text
        as first_wrong
    from ledger_accounts a
    left join (
      select p.account_id, sum(case when p.side = a2.normal_side then p.amount else -p.amount end) as net
      from ledger_postings p join ledger_accounts a2 on a2.id = p.account_id
      group by p.account_id
    ) p on p.account_id = a.id
    left join (
      select l.account_id, sum(l.amount) as held
      from ledger_reservation_lines l join ledger_reservations r on r.id = l.reservation_id
      where l.holds and r.status = 'pending'
      group by l.account_id
    ) h on h.account_id = a.id`.execute(db);
  return rows[0]!;
}
