import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import type { Trx } from '../lib/db';
import { NotFoundError, ValidationError, type FieldError } from '../lib/errors';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import { MoneyError, parseMoney } from '../lib/money';
import type { Call } from '../lib/route';
import {
  describeImbalance,
  imbalances,
  reversalPostings,
  type EntryInput,
  type ReservationInput,
  type Side,
} from './ledger';
import { kickLedgerSealer } from './ledger-chain';
import { EntryAlreadyReversed, withLedgerErrors } from './ledger-errors';
import {
  callPostEntry,
  callReserve,
  callResolveReservation,
  findAccounts,
  type Reach,
} from './ledger.repository';
import { entriesByIds, entryPostingsForReversal } from './ledger-history.repository';
import { entryView } from './ledger-views';
import { movesFundMoney, proposeEntry, raisesFundMoney } from './entry-proposals';

/*
 * The engine. Every function takes the caller's transaction, so a domain (funds, disbursements)
 * posts its entry in the same transaction as its own rows, its audit event and its idempotency
 * record. PostgreSQL enforces the rules; these functions check shapes first for clear messages.
 */

function checkShape(lines: EntryInput['postings'], what: string): void {
  if (lines.length < 2)
    throw new ValidationError([{ path: what, message: `${what} needs at least 2 lines` }]);
  lines.forEach((p, i) => {
    if (p.amount <= 0n)
      throw new ValidationError([{ path: `${what}[${i}].amount`, message: 'must be greater than zero' }]);
  });
}

/** Posts a balanced entry; returns its id. Insufficient funds → 409 naming the pot. */
export async function postEntry(trx: Trx, entry: EntryInput): Promise<string> {
  checkShape(entry.postings, 'postings');
  return withLedgerErrors(() => callPostEntry(trx, entry));
}

/** Holds money for a later post (two-phase): available = posted − pending drops at once. */
export async function reserve(trx: Trx, reservation: ReservationInput): Promise<string> {
  checkShape(reservation.lines, 'lines');
  return withLedgerErrors(() => callReserve(trx, reservation));
}

/** Turns a pending reservation into a posted entry; returns the entry id. */
export async function postReservation(
  trx: Trx,
  reservationId: string,
  opts: {
    description?: string;
    effectiveOn?: string | null;
    createdBy?: string | null;
    metadata?: object;
  } = {},
): Promise<string> {
  return withLedgerErrors(async () => (await callResolveReservation(trx, reservationId, true, opts))!);
}

/** Releases a pending reservation without posting anything. */
export async function voidReservation(trx: Trx, reservationId: string): Promise<void> {
  await withLedgerErrors(() => callResolveReservation(trx, reservationId, false, {}));
}

/** Posts the entry that undoes `entryId`; a second reversal of the same entry is a 409. */
export async function reverseEntry(
  trx: Trx,
  reach: Reach,
  entryId: string,
  opts: { reason: string; createdBy?: string | null; metadata?: Record<string, unknown> },
): Promise<string> {
  const postings = await entryPostingsForReversal(trx, entryId);
  const outside =
    reach.organizationId !== null && postings.some((p) => p.organizationId !== reach.organizationId);
  if (postings.length === 0 || outside) throw new NotFoundError('ledger entry');
  return postEntry(trx, {
    kind: 'reversal',
    description: `Reversal of entry ${entryId}: ${opts.reason}`.slice(0, 500),
    reversesEntryId: entryId,
    createdBy: opts.createdBy ?? null,
    metadata: { ...opts.metadata, reason: opts.reason },
    postings: reversalPostings(postings),
  });
}

export function reachOf(actor: Actor): Reach {
  // Auditors oversee every fund; fund administrators see their own organization's funds.
  return {
    organizationId:
      actor.role === 'auditor' ? null : (actor.organizationId ?? '00000000-0000-0000-0000-000000000000'),
  };
}

// ---- HTTP use cases (★: idempotent, audited) ----

export interface ManualEntryBody {
  description: string;
  effectiveOn?: string;
  postings: Array<{ accountId: string; side: Side; amount: string }>;
}

export async function createManualEntry(
  ctx: AppContext,
  call: Call,
  body: ManualEntryBody,
): Promise<IdempotentResult> {
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/ledger/entries', async (trx) => {
      const reach = reachOf(call.actor);
      const accounts = await findAccounts(trx, reach, [...new Set(body.postings.map((p) => p.accountId))]);
      const byId = new Map(accounts.map((a) => [a.id, a]));
      const errors: FieldError[] = [];
      const postings = body.postings.map((p, i) => {
        const account = byId.get(p.accountId);
        if (!account) {
          errors.push({ path: `postings[${i}].accountId`, message: 'no such account' });
          return null;
        }
        try {
          return {
            accountId: p.accountId,
            side: p.side,
            amount: parseMoney(p.amount, account.currency),
            currency: account.currency,
          };
        } catch (err) {
          errors.push({ path: `postings[${i}].amount`, message: `amount ${(err as MoneyError).message}` });
          return null;
        }
      });
      if (errors.length > 0) throw new ValidationError(errors);
      const valid = postings.filter((p) => p !== null);
      const unbalanced = imbalances(valid);
      if (unbalanced.length > 0) {
        throw new ValidationError(
          unbalanced.map((u) => ({ path: 'postings', message: `unbalanced: ${describeImbalance(u)}` })),
          'The entry does not balance: per currency, debits must equal credits.',
        );
      }
      // Fund money needs a second person: a proposal now, the entry when another approves it.
      if (movesFundMoney(accounts))
        return proposeEntry(trx, call, reach.organizationId, {
          description: body.description,
          effectiveOn: body.effectiveOn ?? null,
          postings: valid,
        });
      const id = await postEntry(trx, {
        kind: 'manual',
        description: body.description,
        effectiveOn: body.effectiveOn ?? null,
        createdBy: call.actor.userId,
        postings: valid,
      });
      await recordAudit(trx, {
        actor: call.actor,
        action: 'ledger_entry.create',
        resourceType: 'ledger_entry',
        resourceId: id,
        requestId: call.requestId,
        details: { postings: valid.length },
      });
      return { status: 201, body: await entryView(trx, id) };
    }),
  );
  kickLedgerSealer(ctx.db, ctx.logger);
  return result;
}

async function proposeReversalIfFundMoney(trx: Trx, call: Call, entryId: string, reason: string) {
  const reach = reachOf(call.actor);
  const postings = await entryPostingsForReversal(trx, entryId);
  const accounts = await findAccounts(trx, reach, [...new Set(postings.map((p) => p.accountId))]);
  const outside =
    reach.organizationId !== null && postings.some((p) => p.organizationId !== reach.organizationId);
  // Unknown, out of reach, or lowering fund money only: reverseEntry answers as before (404, or
  // posts at once with 201).
  if (postings.length === 0 || outside || !raisesFundMoney(reversalPostings(postings), accounts)) return null;
  const [entry] = await entriesByIds(trx, [entryId]);
  if (entry?.reversedByEntryId) throw new EntryAlreadyReversed();
  const currencyOf = new Map(accounts.map((a) => [a.id, a.currency]));
  return proposeEntry(trx, call, reach.organizationId, {
    description: reason,
    effectiveOn: null,
    postings: reversalPostings(postings).map((p) => ({ ...p, currency: currencyOf.get(p.accountId)! })),
    reversesEntryId: entryId,
  });
}

export async function reverseEntryCall(
  ctx: AppContext,
  call: Call,
  entryId: string,
  reason: string,
): Promise<IdempotentResult> {
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/ledger/entries/:id/reverse', async (trx) => {
      // Undoing a move of fund money (a payout, a receipt) needs a second person too.
      const proposal = await proposeReversalIfFundMoney(trx, call, entryId, reason);
      if (proposal) return proposal;
      const id = await reverseEntry(trx, reachOf(call.actor), entryId, {
        reason,
        createdBy: call.actor.userId,
      });
      await recordAudit(trx, {
        actor: call.actor,
        action: 'ledger_entry.reverse',
        resourceType: 'ledger_entry',
        resourceId: id,
        requestId: call.requestId,
        details: { reverses: entryId },
      });
      return { status: 201, body: await entryView(trx, id) };
    }),
  );
  kickLedgerSealer(ctx.db, ctx.logger);
  return result;
}
