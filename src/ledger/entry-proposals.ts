import { recordAudit } from '../audit/audit.service';
import type { Trx } from '../lib/db';
import { formatMoney } from '../lib/money';
import type { Call } from '../lib/route';
import type { Account, PostingInput } from './ledger';
import { insertProposal, type ProposalRow } from './entry-proposals.repository';

/*
 * Maker-checker for manual entries that move a fund's money. Without it one fund administrator
 * could credit a pot from nowhere (debit bank, credit pot) and pay it out; disbursements already
 * need a second person, so the manual entry was the way around them. An entry touching a pot or
 * a bank/cash account of a fund becomes a proposal; a different fund administrator of the same
 * agency approves it, and only then is it posted (PostgreSQL also refuses a manual entry on fund
 * money that no approved proposal points at). Entries between other accounts post at once.
 */

/** Pots and the bank and cash accounts that back them: a fund's money. */
export function movesFundMoney(accounts: Array<Pick<Account, 'fundId' | 'role'>>): boolean {
  return accounts.some(isFundMoney);
}

function isFundMoney(a: Pick<Account, 'fundId' | 'role'>): boolean {
  return a.fundId !== null && (a.role === 'pot' || a.role === 'bank');
}

/**
 * Whether these postings raise a pot's or a bank account's balance (a posting on the account's
 * normal side). A reversal that only lowers fund money (undoing a receipt entered twice) cannot
 * mint anything and posts at once, as before; one that raises it (undoing a payout puts the money
 * back into its pot, to be paid again) needs a second person, like a manual entry.
 */
export function raisesFundMoney(
  postings: Array<{ accountId: string; side: 'debit' | 'credit' }>,
  accounts: Array<Pick<Account, 'id' | 'fundId' | 'role' | 'normalSide'>>,
): boolean {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return postings.some((p) => {
    const account = byId.get(p.accountId);
    return account !== undefined && isFundMoney(account) && p.side === account.normalSide;
  });
}

export function proposalView(p: ProposalRow) {
  return {
    id: p.id,
    status: p.status,
    description: p.description,
    effectiveOn: p.effective_on,
    postings: p.postings.map((l) => ({
      accountId: l.accountId,
      side: l.side,
      amount: formatMoney(l.amount, l.currency),
      currency: l.currency,
    })),
    proposedBy: p.proposed_by,
    proposedAt: p.proposed_at.toISOString(),
    resolvedBy: p.resolved_by,
    resolvedAt: p.resolved_at?.toISOString() ?? null,
    reason: p.resolution_reason,
    entryId: p.entry_id,
    reversesEntryId: p.reverses_entry_id,
  };
}

/**
 * Inside POST /v1/ledger/entries (or .../:id/reverse, with `reversesEntryId` and the reason as
 * description): records the proposal and its audit event instead of posting.
 */
export async function proposeEntry(
  trx: Trx,
  call: Call,
  organizationId: string | null,
  entry: {
    description: string;
    effectiveOn: string | null;
    postings: Array<PostingInput & { currency: string }>;
    reversesEntryId?: string;
  },
): Promise<{ status: number; body: unknown }> {
  const row = await insertProposal(trx, {
    organizationId,
    description: entry.description,
    effectiveOn: entry.effectiveOn,
    postings: entry.postings.map((p) => ({
      accountId: p.accountId,
      side: p.side,
      amount: p.amount.toString(),
      currency: p.currency,
    })),
    proposedBy: call.actor.userId,
    reversesEntryId: entry.reversesEntryId ?? null,
  });
  await recordAudit(trx, {
    actor: call.actor,
    action: 'ledger_entry_proposal.create',
    resourceType: 'ledger_entry_proposal',
    resourceId: row.id,
    requestId: call.requestId,
    details: { postings: entry.postings.length, reverses: entry.reversesEntryId ?? null },
  });
  return { status: 202, body: proposalView(row) };
}
