import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { searchVictims } from '../../src/casework/victims.search';
import { nameIndexRows } from '../../src/victims/name-index';
import { newReference } from '../../src/victims/reference';
import { FIELD } from '../../src/victims/victims.mapper';
import type { Actor } from '../../src/lib/auth';
import { benchUser, percentile, type BenchEnv } from './env';

export const title = 'Victim search';

const VICTIMS = Number(process.env.BENCH_VICTIMS ?? 100_000);
const SEARCHES = 300;
const BATCH = 2000;
const GIVEN = Array.from({ length: 300 }, (_, i) => `given${i.toString(36)}`);
const FAMILY = Array.from({ length: 500 }, (_, i) => `family${i.toString(36)}`);
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
const ms = (n: number) => n.toFixed(1);

/**
 * 100,000 victims in one office (the worst case: every search scans one office's index), with
 * encrypted names and blind-index rows inserted directly; then GET /v1/victims's service runs
 * searches by one word of a name and by a whole name, each with its audit write.
 */
export async function run(env: BenchEnv): Promise<string> {
  const { db, cipher } = env.runtime.ctx;
  const { orgId, userId } = await benchUser(db, {
    role: 'legal_aid',
    kind: 'legal_aid',
    email: 'bench-search@example.org',
  });
  const names: string[] = [];
  const loadStart = performance.now();
  for (let done = 0; done < VICTIMS; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, VICTIMS - done) }, () => {
      const name = `${pick(GIVEN)} ${pick(GIVEN)} ${pick(FAMILY)}`;
      names.push(name);
      return name;
    });
    const rows = await db
      .insertInto('victims')
      .values(
        batch.map((name) => ({
          organization_id: orgId,
          reference: newReference('V'),
          full_name_enc: cipher.encrypt(FIELD.fullName, name),
          preferred_language: 'th',
          is_child: false,
          safe_to_contact: false,
          consent_share_with_fund_agency: true,
          consent_contact_by_email: false,
          created_by: userId,
          assignee_id: userId,
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('victim_name_index')
      .values(rows.flatMap((r, i) => nameIndexRows(cipher, r.id, orgId, batch[i]!)))
      .execute();
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  await sql`analyze`.execute(db);

  const actor: Actor = { userId, role: 'legal_aid', organizationId: orgId, tokenId: 'bench' };
  const time = async (query: () => string) => {
    const samples: number[] = [];
    let found = 0;
    for (let i = 0; i < SEARCHES; i++) {
      const started = performance.now();
      const res = await searchVictims(env.runtime.ctx, actor, { name: query(), limit: 50 }, `bench-${i}`);
      samples.push(performance.now() - started);
      found += res.items.length;
    }
    samples.sort((a, b) => a - b);
    return {
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
      p99: percentile(samples, 99),
      found,
    };
  };
  const byWord = await time(() => pick(FAMILY));
  const byName = await time(() => pick(names));
  const row = (label: string, r: Awaited<ReturnType<typeof time>>) =>
    `| ${label} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${(r.found / SEARCHES).toFixed(0)} |`;
  return [
    `${VICTIMS.toLocaleString('en-US')} victims in one office (names from ${GIVEN.length} given and ${FAMILY.length} family names, so one family name matches about ${Math.round(VICTIMS / FAMILY.length)} victims), loaded with their blind-index rows in ${loadSeconds.toFixed(0)} s. ${SEARCHES} searches each through the search service (query, decryption of the page's names, audit write), one at a time; target p95 < 50 ms.`,
    '',
    '| search | p50 ms | p95 ms | p99 ms | results per search (page ≤ 50) |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('one word of a name (family name)', byWord),
    row('whole name', byName),
  ].join('\n');
}
