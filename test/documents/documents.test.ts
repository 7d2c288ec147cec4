import crypto from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { createApp } from '../../src/app';
import { OpenApiRegistry } from '../../src/lib/openapi';
import { problemType } from '../../src/lib/problems';
import { capturedLogs, type CapturedLogs } from '../helpers/captured-logs';
import { aUser, type TestUser } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { bankBody, makeWorld, post, receipt, type World } from '../disbursements/support';
import { documentRows, download, exeBytes, pdfBytes, pngBytes, upload } from './support';

let t: TestApp;
let w: World;
let logs: CapturedLogs;
let otherOffice: TestUser;

beforeAll(async () => {
  logs = capturedLogs('info');
  t = await createTestApp({}, { logger: logs.logger });
  w = await makeWorld(t);
  otherOffice = await aUser(t, { role: 'legal_aid' });
}, 60_000);
afterAll(async () => {
  await t.close();
});

const claimDocs = () => `/v1/claims/${w.claimId}/documents`;
const json = (body: Buffer) => JSON.parse(body.toString('utf8')) as Record<string, unknown>;

describe('uploading and downloading', () => {
  it('gives back, byte for byte, a file of several megabytes, to the office and to the fund', async () => {
    const file = pdfBytes(crypto.randomInt(1_000_000, 5_000_000));
    const up = await upload(t, w.worker, claimDocs(), file, {
      kind: 'judgment',
      filename: 'Urteil 2025.pdf',
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      ownerKind: 'claim',
      ownerId: w.claimId,
      claimId: w.claimId,
      kind: 'judgment',
      filename: 'Urteil 2025.pdf',
      mediaType: 'application/pdf',
      sizeBytes: file.length,
      uploadedBy: w.worker.id,
      voided: null,
    });
    for (const reader of [w.worker, w.maker]) {
      const res = await download(t, reader, up.body.id as string).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toContain("filename*=UTF-8''Urteil%202025.pdf");
      expect(Buffer.compare(res.body as Buffer, file)).toBe(0);
    }
    const reads = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'outcome', 'details'])
      .where('action', '=', 'document.read')
      .where('resource_id', '=', up.body.id)
      .orderBy('id')
      .execute();
    expect(reads.map((r) => [r.actor_id, r.outcome])).toEqual([
      [w.worker.id, 'success'],
      [w.maker.id, 'success'],
    ]);
    expect(JSON.stringify(reads)).not.toContain('Urteil');
  });

  it('reads the type from the content: a PNG sent as application/pdf and named .pdf is a PNG', async () => {
    const up = await upload(t, w.worker, `/v1/victims/${w.victimId}/documents`, pngBytes(), {
      kind: 'id_copy',
      filename: 'passport.pdf',
    }).expect(201);
    expect(up.body.mediaType).toBe('image/png');
    const res = await download(t, w.worker, up.body.id as string).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toContain('filename="passport.pdf.png"');
  });

  it('refuses an executable named .pdf and sent as application/pdf, and stores nothing', async () => {
    const before = await documentRows(t);
    const res = await upload(t, w.worker, claimDocs(), exeBytes(), {
      kind: 'judgment',
      filename: 'judgment.pdf',
    });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toBe(problemType('document-type-refused'));
    expect(await documentRows(t)).toEqual(before);
  });

  it('answers 413 problem+json to a file over DOCUMENT_MAX_BYTES, and stores nothing', async () => {
    // the same database and keys, with a small limit
    const small = createApp({
      ...t.ctx,
      config: { ...t.ctx.config, documentMaxBytes: 64 * 1024 },
      openapi: new OpenApiRegistry(),
    });
    const before = await documentRows(t);
    const res = await upload(small, w.worker, claimDocs(), pdfBytes(64 * 1024));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toBe(problemType('payload-too-large'));
    expect(await documentRows(t)).toEqual(before);
    await upload(small, w.worker, claimDocs(), pdfBytes(1000)).expect(201);
  });

  it('refuses an empty body and a missing file name as invalid requests', async () => {
    const empty = await upload(t, w.worker, claimDocs(), Buffer.alloc(0));
    expect(empty.status).toBe(400);
    const unnamed = await upload(t, w.worker, claimDocs(), pdfBytes(10), { kind: 'judgment' });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors).toEqual([expect.objectContaining({ path: 'filename' })]);
  });
});

describe('a tampered file', () => {
  it('is refused with document-integrity-failed, logged and audited, never served', async () => {
    const up = await upload(t, w.worker, claimDocs(), pdfBytes(50_000)).expect(201);
    const id = up.body.id as string;
    await sql`update document_contents set ciphertext = set_byte(ciphertext, 1000, get_byte(ciphertext, 1000) # 1)
      where id = ${id}`.execute(t.ctx.db);
    const res = await download(t, w.worker, id);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = json(res.body as Buffer);
    expect(problem.type).toBe(problemType('document-integrity-failed'));
    expect(problem.detail).toMatch(/altered or damaged/);
    expect(logs.lines.some((l) => l.includes(id) && l.includes('integrity'))).toBe(true);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['outcome'])
      .where('action', '=', 'document.read')
      .where('resource_id', '=', id)
      .execute();
    expect(audit).toEqual([{ outcome: 'failure' }]);
  });

  it('is refused when its content is moved onto another document', async () => {
    const a = await upload(t, w.worker, claimDocs(), pdfBytes(2000)).expect(201);
    const b = await upload(t, w.worker, claimDocs(), pdfBytes(2000)).expect(201);
    await sql`update document_contents set ciphertext = (select ciphertext from document_contents where id = ${a.body.id})
      where id = ${b.body.id}`.execute(t.ctx.db);
    const res = await download(t, w.worker, b.body.id as string);
    expect(res.status).toBe(409);
    expect(json(res.body as Buffer).type).toBe(problemType('document-integrity-failed'));
  });
});

describe('need-to-know', () => {
  let docId: string;
  beforeAll(async () => {
    docId = (await upload(t, w.worker, claimDocs(), pdfBytes(500)).expect(201)).body.id as string;
  });

  it('answers 404 to another office for the list, the document, its content, an upload and a void', async () => {
    const before = await documentRows(t);
    const auth = otherOffice.authHeader;
    await request(t.app).get(claimDocs()).set('Authorization', auth).expect(404);
    await request(t.app).get(`/v1/documents/${docId}`).set('Authorization', auth).expect(404);
    await request(t.app).get(`/v1/documents/${docId}/content`).set('Authorization', auth).expect(404);
    await upload(t, otherOffice, claimDocs(), pdfBytes(10)).expect(404);
    await request(t.app)
      .post(`/v1/documents/${docId}/void`)
      .set('Authorization', auth)
      .send({ reason: 'mine now' })
      .expect(404);
    await request(t.app).get(claimDocs()).set('Authorization', w.outsider.authHeader).expect(404);
    expect(await documentRows(t)).toEqual(before);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select(['resource_type', 'resource_id'])
      .where('actor_id', '=', otherOffice.id)
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied).toEqual(expect.arrayContaining([{ resource_type: 'document', resource_id: docId }]));
  });

  it('gives auditors no documents at all', async () => {
    await request(t.app).get(claimDocs()).set('Authorization', w.auditor.authHeader).expect(403);
    await request(t.app)
      .get(`/v1/documents/${docId}/content`)
      .set('Authorization', w.auditor.authHeader)
      .expect(403);
  });

  it('keeps a victim’s own documents from the fund, which sees only a payment view of the victim', async () => {
    const path = `/v1/victims/${w.victimId}/documents`;
    const up = await upload(t, w.worker, path, pdfBytes(100), {
      kind: 'medical_certificate',
      filename: 'cert.pdf',
    });
    expect(up.status).toBe(201);
    await request(t.app).get(path).set('Authorization', w.maker.authHeader).expect(404);
    await download(t, w.maker, up.body.id as string).expect(404);
    const list = await request(t.app).get(path).set('Authorization', w.worker.authHeader).expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(up.body.id);
  });

  it('keeps a disbursement’s receipts with the paying fund', async () => {
    await receipt(t, w, { amount: '5000.00', source: 'fine' });
    const d = await post(t, '/v1/disbursements', w.maker, bankBody(w)).expect(201);
    const path = `/v1/disbursements/${d.body.id}/documents`;
    const up = await upload(t, w.maker, path, pngBytes(), { kind: 'receipt', filename: 'receipt.png' });
    expect(up.status).toBe(201);
    await download(t, w.checker, up.body.id as string).expect(200);
    await request(t.app).get(path).set('Authorization', w.outsider.authHeader).expect(404);
    await download(t, w.worker, up.body.id as string).expect(404);
  });
});

describe('voiding', () => {
  it('keeps the record with who and why, deletes the content, and hides it from the list', async () => {
    const up = await upload(t, w.worker, claimDocs(), pdfBytes(300)).expect(201);
    const id = up.body.id as string;
    const res = await request(t.app)
      .post(`/v1/documents/${id}/void`)
      .set('Authorization', w.worker.authHeader)
      .send({ reason: 'attached to the wrong claim' })
      .expect(200);
    expect(res.body.voided).toMatchObject({ by: w.worker.id, reason: 'attached to the wrong claim' });
    const content = await t.ctx.db
      .selectFrom('document_contents')
      .select('id')
      .where('id', '=', id)
      .execute();
    expect(content).toEqual([]);
    expect((await download(t, w.worker, id)).status).toBe(409);
    const list = await request(t.app).get(claimDocs()).set('Authorization', w.worker.authHeader).expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(id);
    const all = await request(t.app)
      .get(claimDocs())
      .query({ includeVoided: true })
      .set('Authorization', w.worker.authHeader)
      .expect(200);
    expect(all.body.items.map((d: { id: string }) => d.id)).toContain(id);
    await request(t.app)
      .post(`/v1/documents/${id}/void`)
      .set('Authorization', w.worker.authHeader)
      .send({ reason: 'again' })
      .expect(409);
  });
});

describe('the published contract', () => {
  it('lists every document endpoint in /openapi.json', async () => {
    const doc = await request(t.app).get('/openapi.json').expect(200);
    const paths = Object.keys(doc.body.paths as object);
    for (const p of [
      '/v1/victims/{id}/documents',
      '/v1/claims/{id}/documents',
      '/v1/claims/{id}/decisions/{decisionId}/documents',
      '/v1/disbursements/{id}/documents',
      '/v1/documents/{id}',
      '/v1/documents/{id}/content',
      '/v1/documents/{id}/void',
    ])
      expect(paths).toContain(p);
  });
});
