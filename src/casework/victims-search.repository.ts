import { sql } from 'kysely';
import { openStates, ROUTES } from '../claims/route-machines';
import type { Db } from '../lib/db';
import { victimsNamed } from '../victims/name-index.repository';
import type { NameProbe } from '../victims/name-index';

/** The victim search's SQL (see victims.search.ts for who may search by what). */

const OPEN_PAIRS = ROUTES.flatMap((r) => openStates(r).map((s) => sql`(${r}, ${s})`));

/** `v.id in (...)` of victims with a claim still being pursued. */
const withOpenClaim = sql<string>`(select c.victim_id from claims c where (c.route, c.status) in (${sql.join(OPEN_PAIRS)}))`;

export interface VictimSearchFilter {
  /** The caller's office. */
  organizationId: string;
  /** office: the office's own victims (legal aid); fundClaims: victims of its funds' State-fund claims. */
  reach: 'office' | 'fundClaims';
  /** Normalised reference. */
  reference?: string;
  /** Blind index of the identity document number. */
  documentNumberHash?: string;
  name?: NameProbe;
  assigneeId?: string;
  victimOrganizationId?: string;
  nationality?: string;
  hasOpenClaims?: boolean;
  /** References after this one. */
  afterReference?: string;
  limit: number;
}

/** Victims matching every given criterion, by reference, each with its count of open claims. */
export async function searchVictimRows(db: Db, f: VictimSearchFilter) {
  const org = f.organizationId;
  let q = db
    .selectFrom('victims as v')
    .select([
      'v.id',
      'v.reference',
      'v.organization_id',
      'v.full_name_enc',
      'v.nationality',
      'v.assignee_id',
      'v.is_child',
    ])
    .select(
      sql<string>`(select count(*) from claims c where c.victim_id = v.id and (c.route, c.status) in (${sql.join(OPEN_PAIRS)}))`.as(
        'open_claims',
      ),
    );
  if (f.reach === 'office') q = q.where('v.organization_id', '=', org);
  else
    q = q.where(
      'v.id',
      'in',
      sql<string>`(select c.victim_id from claims c join funds f on f.id = c.fund_id
                    where c.route = 'state_fund' and f.organization_id = ${org})`,
    );
  if (f.reference !== undefined) q = q.where('v.reference', '=', f.reference);
  if (f.documentNumberHash !== undefined)
    q = q.where(
      'v.id',
      'in',
      sql<string>`(select d.victim_id from victim_document_index d where d.organization_id = ${org}
                    and d.number_hash = ${f.documentNumberHash})`,
    );
  if (f.name !== undefined) q = q.where('v.id', 'in', victimsNamed(f.name, [org]));
  if (f.assigneeId !== undefined) q = q.where('v.assignee_id', '=', f.assigneeId);
  if (f.victimOrganizationId !== undefined) q = q.where('v.organization_id', '=', f.victimOrganizationId);
  if (f.nationality !== undefined) q = q.where('v.nationality', '=', f.nationality);
  if (f.hasOpenClaims !== undefined) q = q.where('v.id', f.hasOpenClaims ? 'in' : 'not in', withOpenClaim);
  if (f.afterReference !== undefined) q = q.where('v.reference', '>', f.afterReference);
  return q.orderBy('v.reference').limit(f.limit).execute();
}
