import { sameOrganization, type Actor } from '../lib/auth';
import type { Db, Trx } from '../lib/db';
import { NotFoundError } from '../lib/errors';
import type { ClaimAudience, ClaimRecord, HeadAmounts } from './claims';
import { findClaim, findFund, headsOf, type ClaimRow, type HeadRow } from './claims.repository';
import type { Route } from './route-machines';

/**
 * Need-to-know for claims: legal aid workers see their organization's claims; fund
 * administrators only State-fund claims on their organization's funds; auditors every claim,
 * without case numbers or notes. Outside that reach a claim does not exist (404).
 */
export async function canSeeClaim(db: Db | Trx, actor: Actor, claim: ClaimRow): Promise<boolean> {
  switch (actor.role) {
    case 'legal_aid':
      return sameOrganization(actor, claim.organization_id);
    case 'fund_admin': {
      if (claim.route !== 'state_fund' || !claim.fund_id) return false;
      const fund = await findFund(db, claim.fund_id);
      return !!fund && sameOrganization(actor, fund.organization_id);
    }
    case 'auditor':
      return true;
    case 'admin':
      return false;
  }
}

export function audienceOf(actor: Actor): ClaimAudience {
  return actor.role === 'auditor' ? 'oversight' : 'case';
}

export async function claimFor(db: Db | Trx, actor: Actor, id: string): Promise<ClaimRow> {
  const claim = await findClaim(db, id);
  if (!claim || !(await canSeeClaim(db, actor, claim))) throw new NotFoundError('claim');
  return claim;
}

export function headRowToAmounts(h: HeadRow): HeadAmounts {
  return {
    head: h.head,
    description: h.description,
    claimed: BigInt(h.claimed_minor),
    decided: h.decided_minor === null ? null : BigInt(h.decided_minor),
    offset: BigInt(h.offset_minor),
    awarded: BigInt(h.awarded_minor),
    received: BigInt(h.received_minor),
    heldInTrust: BigInt(h.held_in_trust_minor),
  };
}

const HEAD_ORDER = [
  'unpaid_wages',
  'legal_fees',
  'medical_expenses',
  'lost_opportunities',
  'pain_and_suffering',
  'other',
];

export function claimRowToRecord(row: ClaimRow, heads: HeadRow[]): ClaimRecord {
  return {
    id: row.id,
    reference: row.reference,
    victimId: row.victim_id,
    organizationId: row.organization_id,
    route: row.route as Route,
    mode: row.mode,
    fundId: row.fund_id,
    jurisdiction: row.jurisdiction,
    forum: row.forum,
    caseNumber: row.case_number,
    respondent: row.respondent,
    currency: row.currency,
    status: row.status,
    statusSince: row.status_since,
    filedOn: row.filed_on,
    causeOfActionOn: row.cause_of_action_on,
    assigneeId: row.assignee_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    heads: heads
      .filter((h) => h.claim_id === row.id)
      .sort((a, b) => HEAD_ORDER.indexOf(a.head) - HEAD_ORDER.indexOf(b.head))
      .map(headRowToAmounts),
  };
}

export async function loadRecords(db: Db | Trx, rows: ClaimRow[]): Promise<ClaimRecord[]> {
  const heads = await headsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => claimRowToRecord(r, heads));
}
