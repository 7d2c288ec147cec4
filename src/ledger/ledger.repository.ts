import { sql, type Selectable } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { Account, AccountType, EntryInput, ReservationInput, Side } from './ledger';
import { effectiveDate, makeEntryProof } from './ledger-proof';
import type { LedgerAccountsTable } from './ledger.table';

type Q = Db | Trx;

/** Which accounts a caller may see: one organization's funds, or (null) all of them. */
export interface Reach {
  organizationId: string | null;
}

export interface AccountSpec {
  fundId: string | null;
  code: string;
  name: string;
  type: AccountType;
  normalSide: Side;
  currency: string;
  role: 'bank' | 'pot' | 'allocated' | 'revenue' | 'expense' | 'other';
  pot: string | null;
  nonNegative: boolean;
}

const ACCOUNT_COLUMNS = [
  'a.id',
  'a.fund_id',
  'a.code',
  'a.name',
  'a.type',
  'a.normal_side',
  'a.currency',
  'a.role',
  'a.pot_code',
  'a.non_negative',
  'a.posted',
  'a.pending',
  'a.version',
] as const;

/** An account row as ACCOUNT_COLUMNS select it. */
type AccountRow = Omit<Selectable<LedgerAccountsTable>, 'created_at'>;

function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    fundId: r.fund_id,
    code: r.code,
    name: r.name,
    type: r.type,
    normalSide: r.normal_side,
    currency: r.currency,
    role: r.role,
    pot: r.pot_code,
    nonNegative: r.non_negative,
    posted: BigInt(r.posted),
    pending: BigInt(r.pending),
    version: r.version,
  };
}

export async function insertAccounts(trx: Trx, specs: AccountSpec[]): Promise<Account[]> {
  const rows = await trx
    .insertInto('ledger_accounts')
    .values(
      specs.map((s) => ({
        fund_id: s.fundId,
        code: s.code,
        name: s.name,
        type: s.type,
        normal_side: s.normalSide,
        currency: s.currency,
        role: s.role,
        pot_code: s.pot,
        non_negative: s.nonNegative,
      })),
    )
    .returningAll()
    .execute();
  return rows.map(toAccount);
}

function scoped(db: Q, reach: Reach) {
  let q = db.selectFrom('ledger_accounts as a').leftJoin('funds as f', 'f.id', 'a.fund_id');
  if (reach.organizationId !== null) q = q.where('f.organization_id', '=', reach.organizationId);
  return q;
}

export async function findAccounts(db: Q, reach: Reach, ids: string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const rows = await scoped(db, reach).select(ACCOUNT_COLUMNS).where('a.id', 'in', ids).execute();
  return rows.map(toAccount);
}

export async function listAccounts(
  db: Q,
  reach: Reach,
  filter: { fundId?: string; after?: string; limit: number },
): Promise<Account[]> {
  let q = scoped(db, reach).select(ACCOUNT_COLUMNS);
  if (filter.fundId) q = q.where('a.fund_id', '=', filter.fundId);
  if (filter.after) q = q.where('a.id', '>', filter.after);
  const rows = await q.orderBy('a.id').limit(filter.limit).execute();
  return rows.map(toAccount);
}

export async function accountsOfFunds(db: Q, fundIds: string[]): Promise<Account[]> {
  if (fundIds.length === 0) return [];
  const rows = await db
    .selectFrom('ledger_accounts as a')
    .select(ACCOUNT_COLUMNS)
    .where('a.fund_id', 'in', fundIds)
    .orderBy('a.id')
    .execute();
  return rows.map(toAccount);
}

const amounts = (ps: EntryInput['postings']) => ps.map((p) => p.amount.toString());

/**
 * The posting call as an expression, so a domain can post and write its own row in ONE statement.
 * `db` is the handle or transaction it runs on: the entry's write proof is made with its chain keys.
 */
export function postEntrySql(db: Q, e: EntryInput) {
  const effectiveOn = effectiveDate(e.effectiveOn);
  const proof = makeEntryProof(db, {
    kind: e.kind,
    description: e.description,
    effectiveOn,
    reversesEntryId: e.reversesEntryId ?? null,
    createdBy: e.createdBy ?? null,
    metadata: e.metadata ?? {},
    postings: e.postings,
  });
  return sql<string>`ledger_post_entry(${e.kind}, ${e.description},
      ${effectiveOn}::date, ${e.reversesEntryId ?? null}::bigint, ${e.createdBy ?? null}::uuid,
      ${JSON.stringify(e.metadata ?? {})}::jsonb, ${e.postings.map((p) => p.accountId)}::bigint[],
      ${e.postings.map((p) => p.side)}::text[], ${amounts(e.postings)}::bigint[],
      ${proof.nonce}::uuid, ${proof.keyId}, ${proof.mac})`;
}

export async function callPostEntry(trx: Trx, e: EntryInput): Promise<string> {
  const { rows } = await sql<{ id: string }>`select ${postEntrySql(trx, e)} as id`.execute(trx);
  return rows[0]!.id;
}

export async function callReserve(trx: Trx, r: ReservationInput): Promise<string> {
  const { rows } = await sql<{
    id: string;
  }>`select ledger_reserve(${r.description}, ${r.createdBy ?? null}::uuid,
      ${JSON.stringify(r.metadata ?? {})}::jsonb, ${r.lines.map((p) => p.accountId)}::bigint[],
      ${r.lines.map((p) => p.side)}::text[], ${amounts(r.lines)}::bigint[]) as id`.execute(trx);
  return rows[0]!.id;
}

export async function callResolveReservation(
  trx: Trx,
  id: string,
  post: boolean,
  opts: {
    description?: string | null;
    effectiveOn?: string | null;
    createdBy?: string | null;
    metadata?: object;
  },
): Promise<string | null> {
  const effectiveOn = effectiveDate(opts.effectiveOn);
  const proof = post ? await resolutionProof(trx, id, { ...opts, effectiveOn }) : null;
  const { rows } = await sql<{ id: string | null }>`select ledger_resolve_reservation(${id}::bigint, ${post},
      ${opts.description ?? null}::text, ${effectiveOn}::date, ${opts.createdBy ?? null}::uuid,
      ${JSON.stringify(opts.metadata ?? {})}::jsonb,
      ${proof?.nonce ?? null}::uuid, ${proof?.keyId ?? null}::text, ${proof?.mac ?? null}::text) as id`.execute(
    trx,
  );
  return rows[0]!.id;
}

/**
 * The proof of the entry ledger_resolve_reservation will write: its content comes partly from the
 * reservation (description, metadata, lines), which never changes once made. Null when there is
 * no such reservation: the function then refuses with its own error.
 */
async function resolutionProof(
  trx: Trx,
  id: string,
  opts: { description?: string | null; effectiveOn: string; createdBy?: string | null; metadata?: object },
) {
  const reservation = await trx
    .selectFrom('ledger_reservations')
    .select(['description', 'metadata'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!reservation) return null;
  const lines = await trx
    .selectFrom('ledger_reservation_lines')
    .select(['account_id as accountId', 'side', 'amount'])
    .where('reservation_id', '=', id)
    .orderBy('id')
    .execute();
  return makeEntryProof(trx, {
    kind: 'disbursement',
    description: opts.description ?? reservation.description,
    effectiveOn: opts.effectiveOn,
    reversesEntryId: null,
    createdBy: opts.createdBy ?? null,
    // jsonb || jsonb: a shallow merge, the right-hand side winning, as the function does it.
    metadata: { ...(reservation.metadata as object), ...(opts.metadata ?? {}), reservationId: id },
    postings: lines,
  });
}
