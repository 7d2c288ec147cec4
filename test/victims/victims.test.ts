import { sql } from 'kysely';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { snapshot } from '../claims/support';
import { aFundWithMoney, aUser, anOffice, victimBody, type TestUser } from '../helpers/factories';

let t: TestApp;
let office: string;
let worker: TestUser;
let colleague: TestUser;
let outsider: TestUser;
let auditor: TestUser;
let fundAdmin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  office = (await anOffice(t, 'legal_aid', { direct: true })).id;
  worker = await aUser(t, { role: 'legal_aid', office, direct: true });
  colleague = await aUser(t, { role: 'legal_aid', office, direct: true });
  outsider = await aUser(t, {
    role: 'legal_aid',
    office: await anOffice(t, 'legal_aid', { direct: true }),
    direct: true,
  });
  auditor = await aUser(t, { role: 'auditor', direct: true });
  fundAdmin = await aUser(t, {
    role: 'fund_admin',
    office: await anOffice(t, 'fund_agency', { direct: true }),
    direct: true,
  });
});
afterAll(async () => {
  await t.close();
});

const REFERENCE = /^V-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$/;

function register(by: TestUser, over: Record<string, unknown> = {}) {
  return request(t.app).post('/v1/victims').set('Authorization', by.authHeader).send(victimBody(over));
}

describe('registering a victim', () => {
  it('answers 201 with a short unguessable reference, the reflection period and no warnings', async () => {
    const res = await register(worker).expect(201);
    expect(res.body).toMatchObject({
      reference: expect.stringMatching(REFERENCE),
      fullName: 'Somchai Kaewkla',
      dateOfBirth: '1994-03-17',
      isChild: false,
      guardian: null,
      contact: { phone: '+66 81 234 5678', email: 'kaew.s@example.net', safeToContact: true },
      consent: { shareWithFundAgency: true, contactByEmail: false },
      identityDocuments: [{ type: 'passport', number: 'MA 1234567', issuingCountry: 'MM' }],
      witness: { isWitness: false, setBy: 'automatic' },
      jurisdiction: 'TH',
      // Thailand's default: 30 days from identification on 2025-01-10
      reflectionPeriod: { startsOn: '2025-01-10', days: 30, endsOn: '2025-02-09' },
      warnings: [],
    });
  });

  it('never repeats or sequences references', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 12; i++)
      refs.push((await register(worker, { identityDocuments: [] }).expect(201)).body.reference);
    expect(new Set(refs).size).toBe(12);
    for (const r of refs) expect(r).toMatch(REFERENCE);
  });

  it('stores no name, birth date, contact or document number in plaintext', async () => {
    const res = await register(worker, {
      fullName: 'Nguyen Thi Plaintextcheck',
      dateOfBirth: '1991-07-04',
      contact: { phone: '+84 90 555 0199', email: 'plain.check@example.org', safeToContact: false },
      identityDocuments: [{ type: 'national_id', number: 'VN-0790-44321', issuingCountry: 'VN' }],
      guardian: undefined,
    }).expect(201);
    const { rows } = await sql<{ dump: string }>`
      select (select coalesce(string_agg(row_to_json(v)::text, ' '), '') from victims v)
          || (select coalesce(string_agg(row_to_json(d)::text, ' '), '') from victim_document_index d)
          || (select coalesce(string_agg(row_to_json(a)::text, ' '), '') from audit_events a)
          || (select coalesce(string_agg(row_to_json(h)::text, ' '), '') from victim_witness_history h) as dump`.execute(
      t.ctx.db,
    );
    const dump = rows[0]!.dump.toLowerCase();
    expect(dump).toContain(res.body.id); // the row is there
    for (const secret of [
      'plaintextcheck',
      'nguyen thi',
      '1991-07-04',
      '555 0199',
      '5550199',
      'plain.check',
      'vn-0790-44321',
      '079044321',
    ])
      expect([secret, dump.includes(secret)]).toEqual([secret, false]);
    const row = await t.ctx.db
      .selectFrom('victims')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row.full_name_enc).toMatch(/^v1\./);
    expect(row.date_of_birth_enc).toMatch(/^v1\./);
    expect(row.contact_enc).toMatch(/^v1\./);
    expect(row.documents_enc).toMatch(/^v1\./);
  });

  it('warns about, but accepts, a second victim with the same document number in the organization', async () => {
    const first = await register(worker, {
      identityDocuments: [{ type: 'passport', number: 'PX 778899' }],
    }).expect(201);
    const again = await register(colleague, {
      identityDocuments: [{ type: 'passport', number: 'px778899' }],
    }).expect(201);
    expect(again.body.warnings).toEqual([
      { code: 'possible_duplicate', message: expect.any(String), references: [first.body.reference] },
    ]);
    // Another organization learns nothing about this organization's victims.
    const elsewhere = await register(outsider, {
      identityDocuments: [{ type: 'passport', number: 'PX 778899' }],
    }).expect(201);
    expect(elsewhere.body.warnings).toEqual([]);
  });

  it('treats a minor as a child whose contact is the guardian', async () => {
    const res = await register(worker, {
      dateOfBirth: '2012-05-01',
      guardian: { name: 'Aunt Mya', relationship: 'aunt' },
      identityDocuments: [],
    }).expect(201);
    expect(res.body).toMatchObject({ isChild: true, guardian: { name: 'Aunt Mya', relationship: 'aunt' } });
  });
});

describe('reading a victim', () => {
  let victim: { id: string; reference: string };
  beforeAll(async () => {
    victim = (await register(worker, { identityDocuments: [] }).expect(201)).body;
  });

  it('shows the identifying fields to the owning organization and audits the read', async () => {
    const res = await request(t.app)
      .get(`/v1/victims/${victim.id}`)
      .set('Authorization', colleague.authHeader)
      .expect(200);
    expect(res.body).toMatchObject({ id: victim.id, fullName: 'Somchai Kaewkla', dateOfBirth: '1994-03-17' });
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('resource_id', '=', victim.id)
      .where('action', '=', 'victim.read')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: colleague.id, details: { view: 'full' } });
  });

  it('answers 404 to a legal aid worker of another organization, on every victim endpoint', async () => {
    await request(t.app)
      .get(`/v1/victims/${victim.id}`)
      .set('Authorization', outsider.authHeader)
      .expect(404);
    await request(t.app)
      .patch(`/v1/victims/${victim.id}`)
      .set('Authorization', outsider.authHeader)
      .send({ preferredLanguage: 'th' })
      .expect(404);
    await request(t.app)
      .get(`/v1/victims/${victim.id}/compensation`)
      .set('Authorization', outsider.authHeader)
      .expect(404);
  });

  it('refuses auditors outright: they never receive identities', async () => {
    const res = await request(t.app)
      .get(`/v1/victims/${victim.id}`)
      .set('Authorization', auditor.authHeader)
      .expect(403);
    expect(JSON.stringify(res.body)).not.toContain('Somchai');
  });

  it('shows a fund administrator only what a payment needs, and only through a claim on their fund', async () => {
    await request(t.app)
      .get(`/v1/victims/${victim.id}`)
      .set('Authorization', fundAdmin.authHeader)
      .expect(404);
    const fundId = await aFundWithMoney(t, fundAdmin);
    await request(t.app)
      .post('/v1/claims')
      .set('Authorization', worker.authHeader)
      .send({
        victimId: victim.id,
        route: 'state_fund',
        fundId,
        jurisdiction: 'TH',
        currency: 'THB',
        heads: [{ head: 'medical_expenses', amount: '1000.00' }],
      })
      .expect(201);
    const res = await request(t.app)
      .get(`/v1/victims/${victim.id}`)
      .set('Authorization', fundAdmin.authHeader)
      .expect(200);
    expect(res.body).toEqual({
      id: victim.id,
      reference: victim.reference,
      isChild: false,
      preferredLanguage: 'my',
      consent: { shareWithFundAgency: true, contactByEmail: false },
    });
    await request(t.app)
      .patch(`/v1/victims/${victim.id}`)
      .set('Authorization', fundAdmin.authHeader)
      .send({ preferredLanguage: 'th' })
      .expect(403);
  });
});

describe('updating a victim', () => {
  it('updates contact and consent, and lets a person set the witness status by hand and back', async () => {
    const v = (await register(worker, { identityDocuments: [] }).expect(201)).body;
    const res = await request(t.app)
      .patch(`/v1/victims/${v.id}`)
      .set('Authorization', worker.authHeader)
      .send({
        contact: { phone: '+66 89 000 1111', safeToContact: false },
        consent: { shareWithFundAgency: false, contactByEmail: true },
      })
      .expect(200);
    expect(res.body).toMatchObject({
      contact: { phone: '+66 89 000 1111', email: null, safeToContact: false },
      consent: { shareWithFundAgency: false, contactByEmail: true },
    });
    const manual = await request(t.app)
      .patch(`/v1/victims/${v.id}`)
      .set('Authorization', worker.authHeader)
      .send({ witness: { isWitness: true } })
      .expect(200);
    expect(manual.body.witness).toEqual({ isWitness: true, setBy: 'manual' });
    const auto = await request(t.app)
      .patch(`/v1/victims/${v.id}`)
      .set('Authorization', worker.authHeader)
      .send({ witness: { automatic: true } })
      .expect(200);
    expect(auto.body.witness).toEqual({ isWitness: false, setBy: 'automatic' });
    const history = await t.ctx.db
      .selectFrom('victim_witness_history')
      .selectAll()
      .where('victim_id', '=', v.id)
      .orderBy('id')
      .execute();
    expect(history.map((h) => [h.is_witness, h.source])).toEqual([
      [true, 'manual'],
      [false, 'automatic'],
    ]);
  });
});

describe('bad input on the victim endpoints', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no name', { fullName: undefined }, 'fullName'],
    ['an unknown field', { favouriteColour: 'blue' }, 'favouriteColour'],
    ['a date that does not exist', { dateOfBirth: '1994-02-30' }, 'dateOfBirth'],
    ['a birth date in the future', { dateOfBirth: '2999-01-01' }, 'dateOfBirth'],
    ['a bad language tag', { preferredLanguage: 'Thai language' }, 'preferredLanguage'],
    ['an unknown country', { nationality: 'ZZ' }, 'nationality'],
    ['identification without jurisdiction', { jurisdiction: undefined }, 'jurisdiction'],
    ['no consent', { consent: undefined }, 'consent'],
    ['a guardian for an adult', { guardian: { name: 'X' } }, 'guardian'],
    ['a child flag that contradicts the birth date', { isChild: true }, 'isChild'],
    [
      'an unknown document type',
      { identityDocuments: [{ type: 'library_card', number: '12345' }] },
      'identityDocuments[0].type',
    ],
  ];

  it.each(cases)('refuses %s with 400 naming the field, writing nothing', async (_name, over, path) => {
    const before = await snapshot(t);
    const res = await register(worker, over).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a bad id, an empty patch and a bad witness value, writing nothing', async () => {
    const v = (await register(worker, { identityDocuments: [] }).expect(201)).body;
    const before = await snapshot(t);
    await request(t.app).get('/v1/victims/not-a-uuid').set('Authorization', worker.authHeader).expect(400);
    await request(t.app)
      .get('/v1/victims/not-a-uuid/compensation')
      .set('Authorization', worker.authHeader)
      .expect(400);
    await request(t.app)
      .patch(`/v1/victims/${v.id}`)
      .set('Authorization', worker.authHeader)
      .send({})
      .expect(400);
    await request(t.app)
      .patch(`/v1/victims/${v.id}`)
      .set('Authorization', worker.authHeader)
      .send({ witness: { automatic: false } })
      .expect(400);
    await request(t.app)
      .patch(`/v1/victims/${v.id}`)
      .set('Authorization', worker.authHeader)
      .send({ fullName: '' })
      .expect(400);
    await request(t.app).get(`/v1/victims/${v.id}`).expect(401);
    expect(await snapshot(t)).toEqual(before);
  });
});
