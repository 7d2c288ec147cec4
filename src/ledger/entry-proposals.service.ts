import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import type { Actor } from '../lib/auth';
import { transact, type Db, type Trx } from '../lib/db';
import { ForbiddenError, NotFoundError } from '../lib/errors';
import { idempotent, type IdempotentResult } from '../lib/idempotency';
import type { Call } from '../lib/route';
import { kickLedgerSealer } from './ledger-chain';
import { ProposalAlreadyResolved, withLedgerErrors } from './ledger-errors';
import { entryView } from './ledger-views';
import { findAccounts } from './ledger.repository';
import { postEntry, reachOf, reverseEntry } from './ledger.service';
import { proposalView } from './entry-proposals';
import {
  findProposal,
  insertProposalApproval,
  listProposals,
  lockProposal,
  resolveProposal,
  type ProposalRow,
} from './entry-proposals.repository';

/** Approving, rejecting and reading proposals of manual entries (see entry-proposals.ts). */

async function lockOpen(trx: Trx, actor: Actor, id: string): Promise<ProposalRow> {
  const row = await lockProposal(trx, id, reachOf(actor).organizationId);
  if (!row) throw new NotFoundError('ledger entry proposal');
  if (row.status !== 'proposed') throw new ProposalAlreadyResolved(`The proposal is already ${row.status}.`);
  return row;
}

/** ★ A second fund administrator approves: the entry is posted now, in this transaction. */
export async function approveEntryProposal(
  ctx: AppContext,
  call: Call,
  id: string,
): Promise<IdempotentResult> {
  const result = await withLedgerErrors(() =>
    idempotent(ctx.db, call, 'POST /v1/ledger/entry-proposals/:id/approve', async (trx) => {
      const row = await lockOpen(trx, call.actor, id);
      if (row.proposed_by === call.actor.userId)
        throw new ForbiddenError(
          'The proposer of a ledger entry may not approve it; another fund administrator must.',
        );
      const ids = [...new Set(row.postings.map((p) => p.accountId))];
      // Every account must be the approver's to manage, as for the proposer.
      if ((await findAccounts(trx, reachOf(call.actor), ids)).length !== ids.length)
        throw new NotFoundError('ledger entry proposal');
      await insertProposalApproval(trx, row.id, call.actor.userId);
      const metadata = { proposalId: row.id, approvedBy: call.actor.userId };
      const entryId = row.reverses_entry_id
        ? await reverseEntry(trx, reachOf(call.actor), row.reverses_entry_id, {
            reason: row.description,
            createdBy: row.proposed_by,
            metadata,
          })
        : await postEntry(trx, {
            kind: 'manual',
            description: row.description,
            effectiveOn: row.effective_on,
            createdBy: row.proposed_by,
            metadata,
            postings: row.postings.map((p) => ({
              accountId: p.accountId,
              side: p.side,
              amount: BigInt(p.amount),
            })),
          });
      const posted = await resolveProposal(trx, row.id, {
        status: 'posted',
        resolvedBy: call.actor.userId,
        entryId,
      });
      for (const [action, resourceType, resourceId] of [
        ['ledger_entry_proposal.approve', 'ledger_entry_proposal', row.id],
        ['ledger_entry.create', 'ledger_entry', entryId],
      ] as const)
        await recordAudit(trx, {
          actor: call.actor,
          action,
          resourceType,
          resourceId,
          requestId: call.requestId,
          details: { proposalId: row.id, entryId, postings: row.postings.length },
        });
      return { status: 200, body: { ...proposalView(posted), entry: await entryView(trx, entryId) } };
    }),
  );
  kickLedgerSealer(ctx.db, ctx.logger);
  return result;
}

/** Closes a proposal without posting: by another administrator, or withdrawn by its proposer. */
export async function rejectEntryProposal(ctx: AppContext, call: Call, id: string, reason: string) {
  return transact(ctx.db, async (trx) => {
    await lockOpen(trx, call.actor, id);
    const rejected = await resolveProposal(trx, id, {
      status: 'rejected',
      resolvedBy: call.actor.userId,
      reason,
    });
    await recordAudit(trx, {
      actor: call.actor,
      action: 'ledger_entry_proposal.reject',
      resourceType: 'ledger_entry_proposal',
      resourceId: id,
      requestId: call.requestId,
    });
    return proposalView(rejected);
  });
}

export async function getEntryProposal(db: Db, actor: Actor, id: string) {
  const row = await findProposal(db, id, reachOf(actor).organizationId);
  if (!row) throw new NotFoundError('ledger entry proposal');
  return proposalView(row);
}

/** GET /v1/ledger/entry-proposals's query. */
export interface ProposalListQuery {
  status?: ProposalRow['status'];
  limit: number;
}

export async function listEntryProposals(db: Db, actor: Actor, query: ProposalListQuery) {
  const rows = await listProposals(db, { organizationId: reachOf(actor).organizationId, ...query });
  return { items: rows.map(proposalView) };
}
