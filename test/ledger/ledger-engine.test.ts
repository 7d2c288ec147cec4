import { sql } from 'kysely';
import { code, type Fund } from '../../src/funds/funds';
import { loadFund } from '../../src/funds/funds.repository';
import { createFund, reserveFromPot } from '../../src/funds/funds.service';
import { withLedgerErrors } from '../../src/ledger/ledger-errors';
import { findAccounts } from '../../src/ledger/ledger.repository';
import { postEntry, postReservation, reverseEntry, voidReservation } from '../../src/ledger/ledger.service';
import { transact } from '../../src/lib/db';
import { ConflictError } from '../../src/lib/errors';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bookViolations, callOf } from './helpers';
import { aUser, anOffice, type TestUser } from '../helpers/factories';

let t: TestApp;
let admin: TestUser;
let fund: Fund;
const ALL = { organizationId: null };

beforeAll(async () => {
  t = await createTestApp();
  admin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { name: 'Fund agency', direct: true }),
    direct: true,
  });
  const created = await createFund(t.ctx, callOf(admin), {
    name: 'Engine fund',
    currency: 'THB',
    currencies: ['USD'],
    restrictions: [{ code: 'medical', name: 'Medical', purposes: ['medical'] }],
  });
  fund = (await loadFund(t.ctx.db, t.ctx.db, created.id))!;
});
afterAll(async () => {
  await t.close();
});

const acc = (c: string) => fund.accounts.get(c)!;
const balance = async (c: string) => {
  const [a] = await findAccounts(t.ctx.db, ALL, [acc(c)]);
  return { posted: a!.posted, pending: a!.pending, version: a!.version };
};

/** Receipt-shaped entry: money into a pot, built by hand so the test does not trust funds.ts. */
async function receive(amount: bigint, pot = 'unrestricted', currency = 'THB') {
  return transact(t.ctx.db, (trx) =>
    postEntry(trx, {
      kind: 'receipt',
      description: 'test receipt',
      postings: [
        { accountId: acc(code.bank(currency)), side: 'debit', amount },
        { accountId: acc(code.revenue('donation', currency)), side: 'credit', amount },
        { accountId: acc(code.allocated(currency)), side: 'debit', amount },
        { accountId: acc(code.pot(pot, currency)), side: 'credit', amount },
      ],
    }),
  );
}

const transfer = (from: string, to: string, amount: bigint) =>
  withLedgerErrors(() =>
    transact(t.ctx.db, (trx) =>
      postEntry(trx, {
        kind: 'pot_transfer',
        description: 'move',
        postings: [
          { accountId: acc(code.pot(from, 'THB')), side: 'debit', amount },
          { accountId: acc(code.pot(to, 'THB')), side: 'credit', amount },
        ],
      }),
    ),
  );

describe('posting entries', () => {
  it('creates the account plan with the fund: per currency bank, pots, allocated, 6 sources, 9 purposes', async () => {
    const { rows } = await sql<{
      currency: string;
      n: string;
    }>`select currency, count(*) as n from ledger_accounts
      where fund_id = ${fund.id} group by currency order by currency`.execute(t.ctx.db);
    // 1 bank + 3 pots (unrestricted, reserved, medical) + 1 allocated + 6 revenue + 9 expense = 20
    expect(rows).toEqual([
      { currency: 'THB', n: '20' },
      { currency: 'USD', n: '20' },
    ]);
  });

  it('moves balances in the same transaction and records balance_after on each posting', async () => {
    const entryId = await receive(10000n);
    expect(await balance(code.bank('THB'))).toMatchObject({ posted: 10000n, pending: 0n, version: '1' });
    expect((await balance(code.pot('unrestricted', 'THB'))).posted).toBe(10000n);
    const id2 = await receive(2550n);
    const { rows } = await sql<{ entry_id: string; balance_after: string }>`select entry_id, balance_after
      from ledger_postings where account_id = ${acc(code.bank('THB'))} order by id`.execute(t.ctx.db);
    expect(rows).toEqual([
      { entry_id: entryId, balance_after: '10000' },
      { entry_id: id2, balance_after: '12550' },
    ]);
    expect(await bookViolations(t)).toEqual([]);
  });

  it('refuses to take a pot below zero with a 409 naming the pot and the amount available', async () => {
    const before = await balance(code.pot('medical', 'THB'));
    await receive(500n, 'medical');
    const err = await transfer('medical', 'unrestricted', 501n).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).message).toBe(
      'Insufficient funds: pot "medical" has 5.00 THB available; 5.01 THB requested.',
    );
    expect((err as ConflictError).extra).toMatchObject({
      pot: 'medical',
      available: '5.00',
      currency: 'THB',
    });
    expect((await balance(code.pot('medical', 'THB'))).posted).toBe(before.posted + 500n);
    expect(await bookViolations(t)).toEqual([]);
  });

  it('reverses an entry once, linked to the original; a second reversal is a 409', async () => {
    const id = await receive(700n, 'unrestricted', 'USD');
    const reversal = await transact(t.ctx.db, (trx) => reverseEntry(trx, ALL, id, { reason: 'typo' }));
    const row = await t.ctx.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('id', '=', reversal)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'reversal', reverses_entry_id: id });
    expect((await balance(code.bank('USD'))).posted).toBe(0n);
    const again = await withLedgerErrors(() =>
      transact(t.ctx.db, (trx) => reverseEntry(trx, ALL, id, { reason: 'again' })),
    ).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as Error).message).toMatch(/already been reversed/);
    expect(await bookViolations(t)).toEqual([]);
  });
});

describe('two-phase (reserve, post, void)', () => {
  it('keeps posted, pending and available per account, and posts or voids exactly once', async () => {
    const pot = code.pot('medical', 'THB');
    await receive(1000n, 'medical');
    const start = await balance(pot);
    const r1 = await transact(t.ctx.db, (trx) =>
      reserveFromPot(trx, fund, {
        pot: 'medical',
        purpose: 'medical',
        currency: 'THB',
        amount: 800n,
        description: 'clinic',
        createdBy: null,
      }),
    );
    const held = await balance(pot);
    expect(held.posted).toBe(start.posted);
    expect(held.pending).toBe(800n);
    expect((await balance(code.bank('THB'))).pending).toBe(800n);
    // What is held is not available: neither to a transfer nor to another reservation.
    const available = start.posted - 800n;
    await expect(transfer('medical', 'unrestricted', available + 1n)).rejects.toThrow(
      `pot "medical" has ${(available / 100n).toString()}.${(available % 100n).toString().padStart(2, '0')} THB available`,
    );
    await expect(
      withLedgerErrors(() =>
        transact(t.ctx.db, (trx) =>
          reserveFromPot(trx, fund, {
            pot: 'medical',
            purpose: 'medical',
            currency: 'THB',
            amount: available + 1n,
            description: 'x',
            createdBy: null,
          }),
        ),
      ),
    ).rejects.toBeInstanceOf(ConflictError);

    const entryId = await transact(t.ctx.db, (trx) => postReservation(trx, r1));
    const after = await balance(pot);
    expect(after.posted).toBe(start.posted - 800n);
    expect(after.pending).toBe(0n);
    expect((await balance(code.expense('medical', 'THB'))).posted).toBe(800n);
    const res = await t.ctx.db
      .selectFrom('ledger_reservations')
      .selectAll()
      .where('id', '=', r1)
      .executeTakeFirstOrThrow();
    expect(res).toMatchObject({ status: 'posted', entry_id: entryId });
    await expect(transact(t.ctx.db, (trx) => postReservation(trx, r1))).rejects.toThrow(/already posted/);

    const r2 = await transact(t.ctx.db, (trx) =>
      reserveFromPot(trx, fund, {
        pot: 'medical',
        purpose: 'medical',
        currency: 'THB',
        amount: 100n,
        description: 'y',
        createdBy: null,
      }),
    );
    expect((await balance(pot)).pending).toBe(100n);
    await transact(t.ctx.db, (trx) => voidReservation(trx, r2));
    expect(await balance(pot)).toMatchObject({ posted: after.posted, pending: 0n });
    await expect(transact(t.ctx.db, (trx) => voidReservation(trx, r2))).rejects.toThrow(/already voided/);
    await expect(transact(t.ctx.db, (trx) => postReservation(trx, r2))).rejects.toThrow(/already voided/);
    expect(await bookViolations(t)).toEqual([]);
  });

  it('refuses a pot for a purpose it does not allow', async () => {
    await expect(
      transact(t.ctx.db, (trx) =>
        reserveFromPot(trx, fund, {
          pot: 'medical',
          purpose: 'legal',
          currency: 'THB',
          amount: 1n,
          description: 'z',
          createdBy: null,
        }),
      ),
    ).rejects.toThrow('The request is not valid.');
    await expect(
      transact(t.ctx.db, (trx) =>
        reserveFromPot(trx, fund, {
          pot: 'reserved',
          purpose: 'medical',
          currency: 'THB',
          amount: 1n,
          description: 'z',
          createdBy: null,
        }),
      ),
    ).rejects.toMatchObject({
      errors: [{ path: 'pot', message: 'pot "reserved" does not allow the purpose "medical"' }],
    });
  });
});

describe('PostgreSQL enforces the books on its own', () => {
  const raw = async (fn: (q: (s: ReturnType<typeof sql>) => Promise<unknown>) => Promise<void>) =>
    t.ctx.db.transaction().execute(async (trx) => fn((s) => s.execute(trx)));

  it('refuses UPDATE and DELETE of a posting, and DELETE or edit of an entry', async () => {
    await receive(100n);
    await expect(
      raw((q) => q(sql`update ledger_postings set amount = amount + 1`).then(() => undefined)),
    ).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(raw((q) => q(sql`delete from ledger_postings`).then(() => undefined))).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(raw((q) => q(sql`truncate ledger_postings cascade`).then(() => undefined))).rejects.toThrow(
      /append-only/,
    );
    await expect(raw((q) => q(sql`delete from ledger_entries`).then(() => undefined))).rejects.toThrow(
      /append-only/,
    );
    await expect(
      raw((q) => q(sql`update ledger_entries set description = 'changed'`).then(() => undefined)),
    ).rejects.toThrow(/append-only/);
  });

  it('refuses an unbalanced entry and a one-posting entry at commit', async () => {
    const bank = acc(code.bank('THB'));
    const rev = acc(code.revenue('fine', 'THB'));
    const insert = (amounts: bigint[], accounts = [bank, rev]) =>
      raw(async (q) => {
        const r = (await q(
          sql`insert into ledger_entries (kind, description) values ('manual', 'raw') returning id`,
        )) as {
          rows: Array<{ id: string }>;
        };
        const id = r.rows[0]!.id;
        const sides = ['debit', 'credit'];
        for (const [i, amount] of amounts.entries()) {
          await q(sql`insert into ledger_postings (entry_id, account_id, side, amount)
            values (${id}, ${accounts[i]}, ${sides[i]}, ${amount.toString()})`);
        }
      });
    const before = await balance(code.bank('THB'));
    await expect(insert([100n, 99n])).rejects.toThrow(/does not balance/);
    await expect(insert([100n])).rejects.toThrow(/at least 2 are required/);
    // Balanced, but bank moves without its pot: the fund rule refuses it too.
    await expect(insert([100n, 100n])).rejects.toThrow(/pots and bank\/cash by different amounts/);
    expect(await balance(code.bank('THB'))).toEqual(before);
    // The same raw path with a balanced entry that keeps pots = bank is accepted: the triggers
    // are what refused the others.
    await insert([100n, 100n], [acc(code.revenue('fine', 'THB')), acc(code.revenue('donation', 'THB'))]);
    expect((await balance(code.revenue('fine', 'THB'))).posted).toBe(-100n);
    expect(await bookViolations(t)).toEqual([]);
  });

  it('refuses a posting added later to an already committed entry', async () => {
    const id = await receive(100n);
    await expect(
      raw((q) =>
        q(
          sql`insert into ledger_postings (entry_id, account_id, side, amount) values (${id}, ${acc(code.bank('THB'))}, 'debit', 1)`,
        ).then(() => undefined),
      ),
    ).rejects.toThrow(/only be added in the transaction that creates their entry/);
  });

  it('holds the non-negative CHECK even against a direct UPDATE of a balance', async () => {
    await expect(
      raw((q) =>
        q(sql`update ledger_accounts set posted = -1 where id = ${acc(code.bank('THB'))}`).then(
          () => undefined,
        ),
      ),
    ).rejects.toThrow(/ledger_accounts_available_non_negative/);
  });
});
