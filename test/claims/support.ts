import type { TestApp } from '../helpers/test-app';

export async function countRows(t: TestApp, table: string): Promise<number> {
  const res = await t.ctx.db
    .selectFrom(table as any)
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(res.n);
}

/** Row counts of every table this area writes, to prove a refused request changed nothing. */
export async function snapshot(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'victims',
    'victim_document_index',
    'victim_witness_history',
    'claims',
    'claim_heads',
    'claim_transitions',
    'claim_deadlines',
    'payments_received',
    'fund_subrogation_policies',
    'audit_events',
  ])
    out[table] = await countRows(t, table);
  return out;
}
