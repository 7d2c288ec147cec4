import crypto from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { aUser, aVictim, type TestUser } from '../helpers/factories';
import { consoleFor, flashCookieOf, type ConsoleClient } from '../helpers/console';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** A victim's documents in the console: upload through a multipart form, download streamed and audited. */
let t: TestApp;
let worker: TestUser;
let c: ConsoleClient;
let victim: { id: string; reference: string };
const LIMIT = 64 * 1024;

jest.setTimeout(120_000);

beforeAll(async () => {
  t = await createTestApp({ DOCUMENT_MAX_BYTES: String(LIMIT) });
  worker = await aUser(t, { role: 'legal_aid' });
  c = await consoleFor(t, worker);
  victim = await aVictim(t, worker);
});
afterAll(async () => {
  await t.close();
});

const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(size)]);

function upload(
  client: ConsoleClient,
  fields: Record<string, string>,
  file?: { bytes: Buffer; name: string },
) {
  let req = request(t.app).post(`/console/victims/${victim.id}/documents`).set('Cookie', client.cookie);
  req = req.field('_csrf', client.csrf).field('_formKey', crypto.randomUUID());
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('file', file.bytes, { filename: file.name, contentType: 'application/pdf' });
  return req;
}

async function documentCount(): Promise<number> {
  const r = await sql<{
    n: string;
  }>`select count(*)::text as n from documents where victim_id = ${victim.id}`.execute(t.ctx.db);
  return Number(r.rows[0]!.n);
}

describe('a victim’s documents', () => {
  it('uploads a file through the form and lists it with a download link that gives the same bytes', async () => {
    const bytes = pdf(2000);
    const res = await upload(c, { kind: 'payslip' }, { bytes, name: 'payslip-März.pdf' }).expect(303);
    expect(res.headers.location).toBe(`/console/victims/${victim.id}#documents`);
    const page = await c
      .get(`/console/victims/${victim.id}`)
      .set('Cookie', `${c.cookie}; ${flashCookieOf(res)}`)
      .expect(200);
    expect(page.text).toContain('The document payslip-März.pdf is added.');
    const link = /href="(\/console\/documents\/[0-9a-f-]{36}\/content)">payslip-März\.pdf</.exec(
      page.text,
    )?.[1];
    expect(link).toBeDefined();

    const file = await c
      .get(link as string)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (d: Buffer) => chunks.push(d));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toContain("filename*=UTF-8''payslip-M%C3%A4rz.pdf");
    expect(Buffer.compare(file.body as Buffer, bytes)).toBe(0);
    const documentId = /\/console\/documents\/([0-9a-f-]{36})\//.exec(link as string)?.[1];
    const reads = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'document.read')
      .where('resource_id', '=', documentId as string)
      .execute();
    expect(reads).toHaveLength(1);
  });

  it('refuses a form without a file or without a kind, showing the field error, storing nothing', async () => {
    const before = await documentCount();
    const noFile = await upload(c, { kind: 'payslip' }).expect(422);
    expect(noFile.text).toContain('Choose a file to upload.');
    expect(noFile.text).toContain('href="#f-filename"');
    const noKind = await upload(c, {}, { bytes: pdf(100), name: 'a.pdf' }).expect(422);
    expect(noKind.text).toContain('href="#f-kind"');
    expect(await documentCount()).toBe(before);
  });

  it('refuses a file over the limit (413) and one whose content is not an accepted type', async () => {
    const before = await documentCount();
    const big = await upload(c, { kind: 'payslip' }, { bytes: pdf(LIMIT + 10), name: 'big.pdf' }).expect(413);
    expect(big.text).toContain('The file is too large.');
    const exe = await upload(
      c,
      { kind: 'judgment' },
      { bytes: Buffer.from('MZ\x90\x00 not a pdf'), name: 'judgment.pdf' },
    );
    expect(exe.status).toBe(415);
    expect(exe.text).toContain('class="error-summary"');
    expect(await documentCount()).toBe(before);
  });

  it('refuses an upload without the form token', async () => {
    const res = await request(t.app)
      .post(`/console/victims/${victim.id}/documents`)
      .set('Cookie', c.cookie)
      .field('kind', 'payslip')
      .attach('file', pdf(10), { filename: 'x.pdf' })
      .expect(403);
    expect(res.text).not.toContain('is added');
  });

  it('answers 404 to another office’s worker, for the upload and the download', async () => {
    const stranger = await consoleFor(t, await aUser(t, { role: 'legal_aid' }));
    const before = await documentCount();
    await upload(stranger, { kind: 'payslip' }, { bytes: pdf(100), name: 'x.pdf' }).expect(404);
    expect(await documentCount()).toBe(before);
    const id = await sql<{
      id: string;
    }>`select id from documents where victim_id = ${victim.id} limit 1`.execute(t.ctx.db);
    await stranger.get(`/console/documents/${id.rows[0]!.id}/content`).expect(404);
    await stranger.get('/console/documents/not-an-id/content').expect(404);
  });
});
