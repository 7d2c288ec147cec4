import { sql } from 'kysely';
import type { EntryInput } from '../ledger/ledger';
import { postEntrySql, type AccountSpec } from '../ledger/ledger.repository';
import type { Db, Trx } from '../lib/db';
import { potAccountSpec, type Fund, type Pot } from './funds';

type Q = Db | Trx;

export async function insertFund(
  trx: Trx,
  f: { organizationId: string; name: string; currency: string; currencies: string[]; createdBy: string },
): Promise<{ id: string; createdAt: Date }> {
  const row = await trx
    .insertInto('funds')
    .values({
      organization_id: f.organizationId,
      name: f.name,
      currency: f.currency,
      currencies: f.currencies,
      created_by: f.createdBy,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, createdAt: row.created_at };
}

export async function insertPots(trx: Trx, fundId: string, pots: Pot[]): Promise<void> {
  await trx
    .insertInto('fund_pots')
    .values(
      pots.map((p) => ({
        fund_id: fundId,
        code: p.code,
        name: p.name,
        kind: p.kind,
        purposes: p.purposes,
        beneficiaries: beneficiariesColumn(p),
      })),
    )
    .execute();
}

// jsonb: pg would send a JS array or object as text[]/record, so it goes as JSON text.
const beneficiariesColumn = (p: Pot) => (p.beneficiaries === null ? null : JSON.stringify(p.beneficiaries));

// A fund's shape (pots, currencies, account ids) is cached per database handle, so a receipt
// needs no look-up before posting. Pots are added (trust and committed pots, on demand) but never
// removed, so a cached fund is at worst missing a pot: the process that adds one forgets its
// copy, and any process that meets a pot code its copy lacks reloads (`fundWithPots`).
const cache = new WeakMap<object, Map<string, Fund>>();

export function forgetFund(cacheKey: object, id: string): void {
  cache.get(cacheKey)?.delete(id);
}

/** The fund's currencies, all of them (the caller holds the fund row's lock). */
export async function setFundCurrencies(trx: Trx, id: string, currencies: string[]): Promise<void> {
  await trx.updateTable('funds').set({ currencies }).where('id', '=', id).execute();
}

/** The fund, reloaded when the cached copy lacks one of `potCodes` (added by another process). */
export async function fundWithPots(db: Q, cacheKey: object, fund: Fund, potCodes: string[]): Promise<Fund> {
  if (potCodes.every((c) => fund.pots.some((p) => p.code === c))) return fund;
  forgetFund(cacheKey, fund.id);
  return (await loadFund(db, cacheKey, fund.id)) ?? fund;
}

/** Locks the fund's row: a change to its currencies waits for, and is waited on by, pots added. */
export async function lockFundRow(trx: Trx, id: string): Promise<void> {
  await trx.selectFrom('funds').select('id').where('id', '=', id).forUpdate().execute();
}

/** The fund, reloaded when the cached copy lacks one of `currencies` (added by another process). */
export async function fundHolding(db: Q, cacheKey: object, fund: Fund, currencies: string[]): Promise<Fund> {
  if (currencies.every((c) => fund.currencies.includes(c))) return fund;
  forgetFund(cacheKey, fund.id);
  return (await loadFund(db, cacheKey, fund.id)) ?? fund;
}

export async function loadFund(db: Q, cacheKey: object, id: string): Promise<Fund | undefined> {
  let perDb = cache.get(cacheKey);
  if (!perDb) cache.set(cacheKey, (perDb = new Map()));
  const hit = perDb.get(id);
  if (hit) return hit;
  const row = await db.selectFrom('funds').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [pots, accounts] = await Promise.all([
    db.selectFrom('fund_pots').selectAll().where('fund_id', '=', id).execute(),
    db.selectFrom('ledger_accounts').select(['id', 'code']).where('fund_id', '=', id).execute(),
  ]);
  const order = (p: { kind: string; code: string }) =>
    ['unrestricted', 'reserved', 'restricted', 'committed', 'trust'].indexOf(p.kind);
  const fund: Fund = {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    currency: row.currency,
    currencies: row.currencies,
    createdAt: row.created_at,
    pots: pots
      .map((p) => ({
        code: p.code,
        name: p.name,
        kind: p.kind,
        purposes: p.purposes,
        beneficiaries: p.beneficiaries,
      }))
      .sort((a, b) => order(a) - order(b) || a.code.localeCompare(b.code)),
    accounts: new Map(accounts.map((a) => [a.code, a.id])),
  };
  // Only cache what is committed and complete (a fund is created with its accounts at once).
  if (accounts.length > 0) perDb.set(id, fund);
  return fund;
}

export async function listFundIds(
  db: Q,
  organizationId: string | null,
  after: string | undefined,
  limit: number,
): Promise<string[]> {
  let q = db.selectFrom('funds').select('id');
  if (organizationId !== null) q = q.where('organization_id', '=', organizationId);
  if (after) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

/**
 * Posts the receipt's entry and writes the receipt row in one statement: one round trip, and the
 * accounts' row locks (taken by the posting) are held only from here to commit.
 */
export interface ReceiptRow {
  id: string;
  fundId: string;
  source: string;
  pot: string;
  amount: bigint;
  currency: string;
  receivedOn: string;
  reference: string | null;
  donor: string | null;
  createdBy: string;
}

export async function insertReceiptWithEntry(
  trx: Trx,
  entry: EntryInput,
  r: ReceiptRow,
): Promise<{ entryId: string; createdAt: Date }> {
  const { rows } = await sql<{ entry_id: string; created_at: Date }>`
    with e as (select ${postEntrySql(trx, entry)} as id)
    insert into fund_receipts (id, fund_id, entry_id, source, pot_code, amount, currency, received_on, reference, donor, created_by)
    select ${r.id}::uuid, ${r.fundId}::uuid, e.id, ${r.source}, ${r.pot}, ${r.amount.toString()}::bigint, ${r.currency},
           ${r.receivedOn}::date, ${r.reference}, ${r.donor}, ${r.createdBy}::uuid
      from e
    returning entry_id, created_at`.execute(trx);
  return { entryId: rows[0]!.entry_id, createdAt: rows[0]!.created_at };
}

export async function insertPotTransfer(
  trx: Trx,
  t: {
    fundId: string;
    entryId: string;
    from: string;
    to: string;
    amount: bigint;
    currency: string;
    reason: string;
    createdBy: string;
  },
) {
  return trx
    .insertInto('fund_pot_transfers')
    .values({
      fund_id: t.fundId,
      entry_id: t.entryId,
      from_pot: t.from,
      to_pot: t.to,
      amount: t.amount.toString(),
      currency: t.currency,
      reason: t.reason,
      created_by: t.createdBy,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

/**
 * Adds a pot (and its account in every currency of the fund) unless it exists. ON CONFLICT makes
 * two transactions adding the same pot meet on one row: the second waits for the first to
 * commit. Returns the fund with the pot, without caching it (this transaction may roll back).
 */
export async function ensurePot(trx: Trx, cacheKey: object, fund: Fund, pot: Pot): Promise<Fund> {
  if (fund.pots.some((p) => p.code === pot.code)) return fund;
  // The currencies as committed (a cached copy may predate one added since); FOR SHARE waits for
  // a concurrent PATCH adding a currency, so the new pot gets an account in it either way.
  const { currencies } = await trx
    .selectFrom('funds')
    .select('currencies')
    .where('id', '=', fund.id)
    .forShare()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('fund_pots')
    .values({
      fund_id: fund.id,
      code: pot.code,
      name: pot.name,
      kind: pot.kind,
      purposes: pot.purposes,
      beneficiaries: beneficiariesColumn(pot),
    })
    .onConflict((oc) => oc.columns(['fund_id', 'code']).doNothing())
    .execute();
  return {
    ...(await ensureAccounts(
      trx,
      cacheKey,
      fund,
      currencies.map((c) => potAccountSpec(fund.id, c, pot)),
    )),
    currencies,
    pots: [...fund.pots, pot],
  };
}

/** Adds the fund's accounts that do not exist yet (ON CONFLICT: concurrent adds meet on one row). */
export async function ensureAccounts(
  trx: Trx,
  cacheKey: object,
  fund: Fund,
  specs: AccountSpec[],
): Promise<Fund> {
  if (specs.every((a) => fund.accounts.has(a.code))) return fund;
  await trx
    .insertInto('ledger_accounts')
    .values(
      specs.map((a) => ({
        fund_id: a.fundId,
        code: a.code,
        name: a.name,
        type: a.type,
        normal_side: a.normalSide,
        currency: a.currency,
        role: a.role,
        pot_code: a.pot,
        non_negative: a.nonNegative,
      })),
    )
    .onConflict((oc) => oc.columns(['fund_id', 'code']).doNothing())
    .execute();
  forgetFund(cacheKey, fund.id);
  const rows = await trx
    .selectFrom('ledger_accounts')
    .select(['id', 'code'])
    .where('fund_id', '=', fund.id)
    .where(
      'code',
      'in',
      specs.map((a) => a.code),
    )
    .execute();
  return {
    ...fund,
    accounts: new Map([...fund.accounts, ...rows.map((r) => [r.code, r.id] as [string, string])]),
  };
}

/** Locks the accounts (in id order, as the ledger does) and returns posted and pending of each. */
export async function lockAccountBalances(
  trx: Trx,
  ids: string[],
): Promise<Map<string, { posted: bigint; pending: bigint }>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom('ledger_accounts')
    .select(['id', 'posted', 'pending'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, { posted: BigInt(r.posted), pending: BigInt(r.pending) }]));
}

/** Net amount each pot has moved into `potCode` (in − out), in the order the pots first gave. */
export async function netTransfersInto(
  trx: Trx,
  fundId: string,
  potCode: string,
  currency: string,
): Promise<Array<{ pot: string; net: bigint }>> {
  const rows = await trx
    .selectFrom('fund_pot_transfers')
    .select(['from_pot', 'to_pot', 'amount'])
    .where('fund_id', '=', fundId)
    .where('currency', '=', currency)
    .where((eb) => eb.or([eb('to_pot', '=', potCode), eb('from_pot', '=', potCode)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const net = new Map<string, bigint>();
  for (const r of rows) {
    const other = r.to_pot === potCode ? r.from_pot : r.to_pot;
    const sign = r.to_pot === potCode ? 1n : -1n;
    net.set(other, (net.get(other) ?? 0n) + sign * BigInt(r.amount));
  }
  return [...net].map(([pot, n]) => ({ pot, net: n }));
}

export interface FundDirectoryRow {
  id: string;
  name: string;
  agency_name: string;
  currency: string;
  currencies: string[];
}

/** Every fund with the agency that runs it, by id: what legal aid need to apply, nothing of its money. */
export async function fundDirectory(
  db: Q,
  after: string | undefined,
  limit: number,
): Promise<FundDirectoryRow[]> {
  let q = db
    .selectFrom('funds as f')
    .innerJoin('organizations as o', 'o.id', 'f.organization_id')
    .select(['f.id', 'f.name', 'o.name as agency_name', 'f.currency', 'f.currencies']);
  if (after) q = q.where('f.id', '>', after);
  return q.orderBy('f.id').limit(limit).execute();
}
