import { sql } from 'kysely';
import type { Db, Trx } from '../lib/db';
import type { ProposedPosting } from './ledger.table';

type Q = Db | Trx;

export interface ProposalRow {
  id: string;
  organization_id: string | null;
  description: string;
  effective_on: string | null;
  postings: ProposedPosting[];
  status: 'proposed' | 'posted' | 'rejected';
  proposed_by: string;
  proposed_at: Date;
  entry_id: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution_reason: string | null;
  reverses_entry_id: string | null;
}

const COLUMNS = [
  'id',
  'organization_id',
  'description',
  sql<string | null>`to_char(effective_on, 'YYYY-MM-DD')`.as('effective_on'),
  'postings',
  'status',
  'proposed_by',
  'proposed_at',
  'entry_id',
  'resolved_by',
  'resolved_at',
  'resolution_reason',
  'reverses_entry_id',
] as const;

export async function insertProposal(
  trx: Trx,
  p: {
    organizationId: string | null;
    description: string;
    effectiveOn: string | null;
    postings: ProposedPosting[];
    proposedBy: string;
    reversesEntryId?: string | null;
  },
): Promise<ProposalRow> {
  return trx
    .insertInto('ledger_entry_proposals')
    .values({
      organization_id: p.organizationId,
      description: p.description,
      effective_on: p.effectiveOn,
      postings: JSON.stringify(p.postings),
      proposed_by: p.proposedBy,
      reverses_entry_id: p.reversesEntryId ?? null,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

/** The proposal, locked for resolving, if it belongs to the organization (null: any). */
export async function lockProposal(
  trx: Trx,
  id: string,
  organizationId: string | null,
): Promise<ProposalRow | undefined> {
  let q = trx.selectFrom('ledger_entry_proposals').select(COLUMNS).where('id', '=', id).forUpdate();
  if (organizationId !== null) q = q.where('organization_id', '=', organizationId);
  return q.executeTakeFirst();
}

export async function findProposal(
  db: Q,
  id: string,
  organizationId: string | null,
): Promise<ProposalRow | undefined> {
  let q = db.selectFrom('ledger_entry_proposals').select(COLUMNS).where('id', '=', id);
  if (organizationId !== null) q = q.where('organization_id', '=', organizationId);
  return q.executeTakeFirst();
}

/** Newest first. */
export async function listProposals(
  db: Q,
  filter: { organizationId: string | null; status?: ProposalRow['status']; limit: number },
): Promise<ProposalRow[]> {
  let q = db
    .selectFrom('ledger_entry_proposals')
    .select(COLUMNS)
    .orderBy('proposed_at', 'desc')
    .orderBy('id')
    .limit(filter.limit);
  if (filter.organizationId !== null) q = q.where('organization_id', '=', filter.organizationId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q.execute();
}

export async function insertProposalApproval(
  trx: Trx,
  proposalId: string,
  approverId: string,
): Promise<void> {
  await trx
    .insertInto('ledger_entry_proposal_approvals')
    .values({ proposal_id: proposalId, approver_id: approverId })
    .execute();
}

export async function resolveProposal(
  trx: Trx,
  id: string,
  patch: { status: 'posted' | 'rejected'; resolvedBy: string; entryId?: string; reason?: string },
): Promise<ProposalRow> {
  return trx
    .updateTable('ledger_entry_proposals')
    .set({
      status: patch.status,
      resolved_by: patch.resolvedBy,
      resolved_at: sql<Date>`now()`,
      entry_id: patch.entryId ?? null,
      resolution_reason: patch.reason ?? null,
    })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}
