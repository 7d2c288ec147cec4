import crypto from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { code, PURPOSES, RECEIPT_SOURCES, type Fund } from '../../src/funds/funds';
import { loadFund } from '../../src/funds/funds.repository';
import { createFund, reserveFromPot, transferBetweenPots } from '../../src/funds/funds.service';
import { recordReceipt } from '../../src/funds/receipts.service';
import { approveEntryProposal, rejectEntryProposal } from '../../src/ledger/entry-proposals.service';
import { withLedgerErrors } from '../../src/ledger/ledger-errors';
import {
  createManualEntry,
  postReservation,
  reverseEntryCall,
  voidReservation,
} from '../../src/ledger/ledger.service';
import { transact } from '../../src/lib/db';
import { AppError, ConflictError } from '../../src/lib/errors';
import type { IdempotentResult } from '../../src/lib/idempotency';
import { formatMoney } from '../../src/lib/money';
import type { Call } from '../../src/lib/route';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { callOf } from './helpers';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

/*
 * Random sequences of operations through the service layer (the code paths the API uses),
 * some valid and some not. After every step, SQL checks the books of the sequence's own fund;
 * a refused step must have changed nothing at all.
 */

let t: TestApp;
let admin: TestUser;
let checker: TestUser; // approves the admin's manual entries on fund money (maker-checker)
beforeAll(async () => {
  t = await createTestApp();
  const agency = await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true });
  admin = await aUser(t, { role: 'fund_admin', office: agency, direct: true });
  checker = await aUser(t, { role: 'fund_admin', office: agency, direct: true });
  await createInspector();
});
afterAll(async () => {
  await t.close();
});

const POTS = ['unrestricted', 'reserved', 'medical', 'children', 'nope'];
const CURRENCIES = ['THB', 'THB', 'JPY', 'USD']; // USD is not held: always refused
const amount = fc.bigInt({ min: 1n, max: 4000n });
const idx = fc.nat({ max: 7 });

type Op =
  | { t: 'receipt'; source: string; pot: string; currency: string; amount: bigint }
  | { t: 'transfer'; from: string; to: string; currency: string; amount: bigint; sane: boolean; aim: number }
  | {
      t: 'reserve';
      pot: string;
      purpose: string;
      currency: string;
      amount: bigint;
      sane: boolean;
      aim: number;
    }
  | { t: 'post' | 'void' | 'reverse'; i: number }
  | { t: 'replay'; i: number; alter: boolean }
  | { t: 'manual'; currency: string; lines: Array<{ a: number; b: number; amount: bigint }>; skew: bigint };

// A "sane" transfer or reservation draws on a pot the sequence has put money into (with a
// purpose that pot allows); the others are as random as the rest, mostly refused.
const sane = fc.constantFrom(true, true, true, false);
const aim = fc.nat({ max: 11 });

// Each sequence starts by funding two pots, so later steps have money to move (or to lack).
const funding = fc.record({
  t: fc.constant('receipt' as const),
  source: fc.constantFrom(...RECEIPT_SOURCES),
  pot: fc.constantFrom('unrestricted', 'reserved', 'medical', 'children'),
  currency: fc.constantFrom('THB', 'JPY'),
  amount: fc.bigInt({ min: 1000n, max: 8000n }),
});

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('receipt' as const),
      source: fc.constantFrom(...RECEIPT_SOURCES),
      pot: fc.constantFrom(...POTS),
      currency: fc.constantFrom(...CURRENCIES),
      amount,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('transfer' as const),
      from: fc.constantFrom(...POTS),
      to: fc.constantFrom(...POTS),
      currency: fc.constantFrom(...CURRENCIES),
      amount,
      sane,
      aim,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('reserve' as const),
      pot: fc.constantFrom(...POTS),
      purpose: fc.constantFrom(...PURPOSES),
      currency: fc.constantFrom(...CURRENCIES),
      amount,
      sane,
      aim,
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('post' as const, 'void' as const), i: idx }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reverse' as const), i: idx }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('replay' as const), i: idx, alter: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('manual' as const),
      currency: fc.constantFrom('THB', 'JPY'),
      lines: fc.array(fc.record({ a: fc.nat({ max: 19 }), b: fc.nat({ max: 19 }), amount }), {
        minLength: 1,
        maxLength: 2,
      }),
      skew: fc.constantFrom(0n, 0n, 0n, 1n),
    }),
  },
);

interface Seq {
  fund: Fund;
  entries: string[];
  reservations: string[];
  funded: Array<{ pot: string; currency: string }>;
  reversed: Set<string>;
  calls: Array<{ call: Call; run: (call: Call) => Promise<IdempotentResult>; first: unknown }>;
}

/**
 * The sequence fund's invariants plus a fingerprint of everything a step may write, in one
 * call. A PL/pgSQL function (created for this test database only) so its plan is cached: planning
 * the big query each time would cost more than running it.
 */
async function createInspector(): Promise<void> {
  await sql`create function test_inspect(p_fund uuid, p_entries bigint[], p_res bigint[], p_user uuid) returns jsonb
    language plpgsql as $$
    declare r jsonb;
    begin
      select to_jsonb(x) into r from (
    with acc as (select * from ledger_accounts where fund_id = p_fund),
         p as (select p.*, a.normal_side from ledger_postings p join acc a on a.id = p.account_id)
    select
      (select count(*) from (select 1 from p group by currency
         having sum(case side when 'debit' then amount else -amount end) <> 0) x)::int as debits_ne_credits,
      (select count(*) from (select 1 from p group by entry_id, currency
         having sum(case side when 'debit' then amount else -amount end) <> 0) x)::int as unbalanced_entries,
      (select count(*) from acc a where a.posted <> coalesce((select sum(case when q.side = a.normal_side
         then q.amount else -q.amount end) from ledger_postings q where q.account_id = a.id), 0))::int as balance_ne_postings,
      (select count(*) from acc where non_negative and (posted < 0 or posted - pending < 0))::int as negative,
      (select count(*) from acc a where a.pending <> coalesce((select sum(l.amount) from ledger_reservation_lines l
         join ledger_reservations r on r.id = l.reservation_id
         where l.account_id = a.id and l.holds and r.status = 'pending'), 0))::int as pending_ne_holds,
      (select count(*) from (select 1 from acc group by currency
         having sum(case role when 'bank' then posted when 'pot' then -posted else 0 end) <> 0) x)::int as pots_ne_bank,
      (select count(*) from (select 1 from ledger_entries where reverses_entry_id = any(p_entries)
         group by reverses_entry_id having count(*) > 1) x)::int as reversed_twice,
      concat_ws('/', (select sum(posted) from acc), (select sum(pending) from acc), (select sum(version) from acc),
        (select max(id) from ledger_entries), (select max(id) from ledger_postings), (select max(id) from ledger_reservations),
        (select string_agg(status, ',' order by id) from ledger_reservations where id = any(p_res)),
        (select max(id) from audit_events), (select count(*) from idempotency_keys where user_id = p_user),
        (select count(*) from fund_receipts where fund_id = p_fund),
        (select count(*) from fund_pot_transfers where fund_id = p_fund)) as fingerprint) x;
      return r;
    end $$`.execute(t.ctx.db);
}

async function inspect(s: Seq): Promise<{ violations: Record<string, number>; fingerprint: string }> {
  const { rows } = await sql<{ r: any }>`select test_inspect(${s.fund.id}::uuid, ${s.entries}::bigint[],
    ${s.reservations}::bigint[], ${admin.actor.userId}::uuid) as r`.execute(t.ctx.db);
  const { fingerprint, ...violations } = rows[0]!.r;
  return { violations, fingerprint };
}

const stats: Record<string, { ok: number; refused: number }> = {};
const tally = (k: string, ok: boolean) => {
  const s = (stats[k] ??= { ok: 0, refused: 0 });
  if (ok) s.ok += 1;
  else s.refused += 1;
};

async function idem(
  s: Seq,
  call: Call,
  run: (call: Call) => Promise<IdempotentResult>,
): Promise<IdempotentResult> {
  const r = await run(call);
  s.calls.push({ call, run, first: r.body });
  return r;
}

/**
 * A manual entry or reversal on fund money is a proposal (202): a second administrator posts it,
 * or the books refuse it (a pot would go below zero) and the proposal is rejected; either way a
 * step taken. Returns the posted entry's id, if any.
 */
async function postedOrProposed(r: IdempotentResult): Promise<string | null> {
  if (r.status !== 202) return (r.body as any).id;
  const proposalId = (r.body as any).id as string;
  try {
    const call = callOf(checker, {}, undefined, { id: proposalId });
    return ((await approveEntryProposal(t.ctx, call, proposalId)).body as any).entryId;
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    await rejectEntryProposal(t.ctx, callOf(checker), proposalId, 'refused by the books');
    return null;
  }
}

async function apply(s: Seq, o: Op): Promise<void> {
  const m = (v: bigint, c: string) => formatMoney(v, c);
  const pick = <T>(list: T[], i: number) => (list.length === 0 ? undefined : list[i % list.length]);
  switch (o.t) {
    case 'receipt': {
      const body = {
        source: o.source,
        amount: m(o.amount, o.currency),
        currency: o.currency,
        pot: o.pot,
        receivedOn: '2026-11-29',
      };
      const call = callOf(admin, body, crypto.randomUUID(), { id: s.fund.id });
      const r = await idem(s, call, (c) => recordReceipt(t.ctx, c, s.fund.id, body));
      s.entries.push((r.body as any).entryId);
      s.funded.push({ pot: o.pot, currency: o.currency });
      return;
    }
    case 'transfer': {
      const f = o.sane ? pick(s.funded, o.aim) : undefined;
      const q = f
        ? {
            ...o,
            from: f.pot,
            currency: f.currency,
            to: o.to === f.pot || o.to === 'nope' ? 'unrestricted' : o.to,
          }
        : o;
      const body = {
        from: q.from,
        to: q.to,
        amount: m(q.amount, q.currency),
        currency: q.currency,
        reason: 'property',
      };
      const call = callOf(admin, body, crypto.randomUUID(), { id: s.fund.id });
      const r = await idem(s, call, (c) => transferBetweenPots(t.ctx, c, s.fund.id, body));
      s.entries.push((r.body as any).entryId);
      s.funded.push({ pot: q.to, currency: q.currency });
      return;
    }
    case 'reserve': {
      const f = o.sane ? pick(s.funded, o.aim) : undefined;
      const pot = f && s.fund.pots.find((p) => p.code === f.pot);
      const q =
        f && pot && pot.purposes.length > 0
          ? { ...o, pot: f.pot, currency: f.currency, purpose: pick(pot.purposes, o.aim)! }
          : o;
      const id = await withLedgerErrors(() =>
        transact(t.ctx.db, (trx) =>
          reserveFromPot(trx, s.fund, { ...q, description: 'property', createdBy: null }),
        ),
      );
      s.reservations.push(id);
      return;
    }
    case 'post':
    case 'void': {
      const id = pick(s.reservations, o.i) ?? '999999999';
      if (o.t === 'void') await withLedgerErrors(() => transact(t.ctx.db, (trx) => voidReservation(trx, id)));
      else
        s.entries.push(await withLedgerErrors(() => transact(t.ctx.db, (trx) => postReservation(trx, id))));
      return;
    }
    case 'reverse': {
      const id = pick(s.entries, o.i);
      if (!id) throw new ConflictError('nothing to reverse');
      const wasReversed = s.reversed.has(id);
      const call = callOf(admin, { reason: 'property' }, crypto.randomUUID(), { id });
      try {
        const r = await idem(s, call, (c) => reverseEntryCall(t.ctx, c, id, 'property'));
        expect(wasReversed).toBe(false); // reversing twice must be refused
        const entryId = await postedOrProposed(r);
        if (entryId) {
          s.reversed.add(id);
          s.entries.push(entryId);
        }
      } catch (err) {
        if (wasReversed) expect((err as Error).message).toMatch(/already been reversed/);
        throw err;
      }
      return;
    }
    case 'replay': {
      const i = s.calls.length === 0 ? -1 : o.i % s.calls.length;
      if (i < 0) throw new ConflictError('nothing to replay');
      const prior = s.calls[i]!;
      if (o.alter) {
        // The same key with another request: refused (409) before any effect.
        await expect(
          prior.run({ ...prior.call, body: { ...(prior.call.body as object), changed: true } }),
        ).rejects.toBeInstanceOf(ConflictError);
        throw new ConflictError('refused as expected');
      }
      const r = await prior.run(prior.call);
      expect(r.replayed).toBe(true);
      expect(r.body).toEqual(prior.first);
      return;
    }
    case 'manual': {
      const accounts = [...s.fund.accounts]
        .filter(([c]) => c.endsWith(`:${o.currency}`))
        .map(([, id]) => id)
        .sort();
      const postings = o.lines.flatMap((l) => [
        {
          accountId: accounts[l.a % accounts.length]!,
          side: 'debit' as const,
          amount: m(l.amount, o.currency),
        },
        {
          accountId: accounts[l.b % accounts.length]!,
          side: 'credit' as const,
          amount: m(l.amount + o.skew, o.currency),
        },
      ]);
      const body = { description: 'property', postings };
      const call = callOf(admin, body);
      const r = await idem(s, call, (c) => createManualEntry(t.ctx, c, body));
      const entryId = await postedOrProposed(r);
      if (entryId) s.entries.push(entryId);
      return;
    }
  }
}

describe('ledger properties', () => {
  it('keeps the books sound after every step of 1,000 random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(funding, funding, fc.array(op, { minLength: 1, maxLength: 4 })),
        async ([f1, f2, rest]) => {
          const ops: Op[] = [f1, f2, ...rest];
          const created = await createFund(t.ctx, callOf(admin), {
            name: 'Property fund',
            currency: 'THB',
            currencies: ['JPY'],
            restrictions: [
              { code: 'medical', name: 'Medical', purposes: ['medical'] },
              { code: 'children', name: 'Children', purposes: ['education', 'medical'] },
            ],
          });
          const fund = (await loadFund(t.ctx.db, t.ctx.db, created.id))!;
          const s: Seq = { fund, entries: [], reservations: [], funded: [], reversed: new Set(), calls: [] };
          let before = await inspect(s);
          for (const o of ops) {
            let ok = true;
            try {
              await apply(s, o);
            } catch (err) {
              if (!(err instanceof AppError) || err.status >= 500) throw err; // a 500 is a bug
              ok = false;
            }
            tally(o.t, ok);
            const after = await inspect(s);
            expect(after.violations).toEqual({
              debits_ne_credits: 0,
              unbalanced_entries: 0,
              balance_ne_postings: 0,
              negative: 0,
              pending_ne_holds: 0,
              pots_ne_bank: 0,
              reversed_twice: 0,
            });
            if (!ok || o.t === 'replay') expect(after.fingerprint).toBe(before.fingerprint);
            before = after;
          }
          expect(s.fund.accounts.get(code.bank('THB'))).toBeDefined();
        },
      ),
      { numRuns: 1000 },
    );
    // The generator really exercised both outcomes of every kind of operation.
    for (const k of ['receipt', 'transfer', 'reserve', 'post', 'void', 'reverse', 'manual', 'replay']) {
      expect(stats[k]?.ok).toBeGreaterThan(0);
      expect(stats[k]?.refused).toBeGreaterThan(0);
    }
  }, 300_000);
});
