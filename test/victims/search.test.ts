import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { reindexVictimNames } from '../../src/victims/reindex';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { aUser, anOffice, aFundWithMoney, victimBody, type TestUser } from '../helpers/factories';
import { snapshot } from '../claims/support';

let t: TestApp;
let worker: TestUser;
let colleague: TestUser;
let outsider: TestUser;
let auditor: TestUser;
let fundAdmin: TestUser;
const ids: Record<string, string> = {};
const refs: Record<string, string> = {};

async function register(name: string, over: Record<string, unknown>, by = worker) {
  const res = await request(t.app)
    .post('/v1/victims')
    .set('Authorization', by.authHeader)
    .send(victimBody(over))
    .expect(201);
  ids[name] = res.body.id;
  refs[name] = res.body.reference;
}

const search = (by: TestUser, query: Record<string, string | undefined>) =>
  request(t.app).get('/v1/victims').query(query).set('Authorization', by.authHeader);

const idsOf = (res: request.Response) => (res.body.items as Array<{ id: string }>).map((i) => i.id).sort();

beforeAll(async () => {
  t = await createTestApp();
  const office = await anOffice(t, 'legal_aid', { direct: true });
  worker = await aUser(t, { role: 'legal_aid', office, direct: true });
  colleague = await aUser(t, { role: 'legal_aid', office, direct: true });
  outsider = await aUser(t, { role: 'legal_aid', direct: true });
  auditor = await aUser(t, { role: 'auditor', direct: true });
  fundAdmin = await aUser(t, { role: 'fund_admin', direct: true });
  await register('nguyen', {
    fullName: 'Nguyễn Thị Ánh Searchable',
    nationality: 'VN',
    identityDocuments: [{ type: 'passport', number: 'VN-7788-99AB' }],
  });
  await register('somchai', { fullName: 'สมชายแก้วกล้า', nationality: 'TH', identityDocuments: [] });
  await register('khmer', { fullName: 'សុខ ចាន់ដារ៉ា', nationality: 'KH', identityDocuments: [] }, colleague);
  await register('elsewhere', { fullName: 'Nguyen Thi Anh Searchable', identityDocuments: [] }, outsider);
  const fundId = await aFundWithMoney(t, fundAdmin);
  await request(t.app)
    .post('/v1/claims')
    .set('Authorization', worker.authHeader)
    .send({
      victimId: ids.nguyen,
      route: 'state_fund',
      fundId,
      jurisdiction: 'TH',
      currency: 'THB',
      heads: [{ head: 'unpaid_wages', amount: '100.00' }],
    })
    .expect(201);
});
afterAll(async () => {
  await t.close();
});

describe('GET /v1/victims', () => {
  it('finds a victim by any whole word of the name, in any case and without accents', async () => {
    for (const name of ['searchable', 'NGUYEN', 'ánh', 'Thi Nguyen', 'nguyễn thị ánh searchable']) {
      const res = await search(worker, { name }).expect(200);
      expect([name, idsOf(res)]).toEqual([name, [ids.nguyen]]);
    }
    const res = await search(worker, { name: 'searchable' }).expect(200);
    expect(res.body.items[0]).toEqual({
      id: ids.nguyen,
      reference: refs.nguyen,
      organizationId: worker.organizationId,
      fullName: 'Nguyễn Thị Ánh Searchable',
      nationality: 'VN',
      assigneeId: worker.id,
      isChild: false,
      openClaims: 1,
    });
  });

  it('needs whole words: a part of a word, or a word the name lacks, finds nothing', async () => {
    for (const name of ['search', 'nguyen smith'])
      expect([name, idsOf(await search(worker, { name }).expect(200))]).toEqual([name, []]);
  });

  it('finds names written without spaces (Thai, Khmer) by the whole name and by a word', async () => {
    expect(idsOf(await search(worker, { name: 'สมชายแก้วกล้า' }).expect(200))).toEqual([ids.somchai]);
    expect(idsOf(await search(worker, { name: 'สมชาย' }).expect(200))).toEqual([ids.somchai]);
    expect(idsOf(await search(worker, { name: 'ចាន់ដារ៉ា' }).expect(200))).toEqual([ids.khmer]);
  });

  it('finds by reference, by document number and by filters', async () => {
    const byRef = await search(worker, { reference: refs.khmer!.toLowerCase() }).expect(200);
    expect(idsOf(byRef)).toEqual([ids.khmer]);
    expect(idsOf(await search(worker, { documentNumber: ' vn-7788-99ab ' }).expect(200))).toEqual([
      ids.nguyen,
    ]);
    expect(idsOf(await search(worker, { mine: 'true' }).expect(200))).toEqual(
      [ids.nguyen, ids.somchai].sort(),
    );
    expect(idsOf(await search(colleague, { mine: 'true' }).expect(200))).toEqual([ids.khmer]);
    expect(idsOf(await search(worker, { nationality: 'KH' }).expect(200))).toEqual([ids.khmer]);
    expect(idsOf(await search(worker, { hasOpenClaims: 'true' }).expect(200))).toEqual([ids.nguyen]);
    expect(idsOf(await search(worker, { hasOpenClaims: 'false' }).expect(200))).toEqual(
      [ids.somchai, ids.khmer].sort(),
    );
  });

  it('pages by reference with a cursor', async () => {
    const first = await search(worker, { limit: '2' }).expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await search(worker, { limit: '2', cursor: first.body.nextCursor }).expect(200);
    expect(second.body.nextCursor).toBeNull();
    expect([...idsOf(first), ...idsOf(second)].sort()).toEqual([ids.nguyen, ids.somchai, ids.khmer].sort());
  });

  it("never shows another office's victims, even under the same name", async () => {
    expect(idsOf(await search(outsider, { name: 'searchable' }).expect(200))).toEqual([ids.elsewhere]);
    expect(idsOf(await search(outsider, { reference: refs.nguyen! }).expect(200))).toEqual([]);
    expect(idsOf(await search(outsider, { documentNumber: 'VN-7788-99AB' }).expect(200))).toEqual([]);
    expect(idsOf(await search(worker, { organizationId: outsider.organizationId! }).expect(200))).toEqual([]);
  });

  it("gives a fund administrator only their funds' victims, by reference, with no identifying field", async () => {
    const res = await search(fundAdmin, {}).expect(200);
    expect(res.body.items).toEqual([
      {
        id: ids.nguyen,
        reference: refs.nguyen,
        organizationId: worker.organizationId,
        isChild: false,
        openClaims: 1,
      },
    ]);
    const before = await snapshot(t);
    const byName = await search(fundAdmin, { name: 'searchable' }).expect(403);
    expect(byName.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses auditors: they never read victims', async () => {
    await search(auditor, { reference: refs.nguyen! }).expect(403);
  });

  it('answers bad input with a problem and audits nothing for it', async () => {
    const before = await snapshot(t);
    for (const query of [{ limit: '0' }, { nationality: 'XX' }, { cursor: 'bm9wZQ' }, { mine: 'maybe' }]) {
      const res = await search(worker, query);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('audits every search as an identity read: criteria names and the ids found, never the values', async () => {
    const res = await search(worker, { name: 'Searchable', nationality: 'VN' }).expect(200);
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', String(res.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ action: 'victim.search', actor_id: worker.id, outcome: 'success' });
    expect(event.details).toEqual({
      criteria: ['name', 'nationality'],
      view: 'full',
      victimIds: [ids.nguyen],
    });
    expect(JSON.stringify(event).toLowerCase()).not.toContain('searchable');
  });
});

describe('reindex-victims', () => {
  it('rebuilds the name index of victims that have none, and of all with `all`', async () => {
    await t.ctx.db.deleteFrom('victim_name_index').where('victim_id', '=', ids.somchai!).execute();
    expect(idsOf(await search(worker, { name: 'สมชาย' }).expect(200))).toEqual([]);
    expect(await reindexVictimNames(t.ctx)).toBe(1);
    expect(idsOf(await search(worker, { name: 'สมชาย' }).expect(200))).toEqual([ids.somchai]);
    expect(await reindexVictimNames(t.ctx)).toBe(0);
    expect(await reindexVictimNames(t.ctx, { all: true })).toBe(4);
    expect(idsOf(await search(worker, { name: 'searchable' }).expect(200))).toEqual([ids.nguyen]);
  });
});

describe('a dump of the database', () => {
  it('holds no name, word of a name or document number in plaintext', async () => {
    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', '--no-owner', t.databaseUrl], {
      maxBuffer: 256 * 1024 * 1024,
    });
    const dump = stdout.toLowerCase();
    expect(dump).toContain(ids.nguyen); // the rows are there
    for (const secret of [
      'searchable',
      'nguyễn',
      'nguyen',
      'ánh',
      'สมชาย',
      'แก้ว',
      'ចាន់ដារ៉ា',
      'vn-7788-99ab',
      'vn778899ab',
    ])
      expect([secret, dump.includes(secret)]).toEqual([secret, false]);
  });
});
