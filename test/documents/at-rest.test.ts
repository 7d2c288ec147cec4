import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import request from 'supertest';
import { createApp } from '../../src/app';
import { rewrapDocumentKeys } from '../../src/documents/documents.download';
import { createFieldCipher, parseKeyRing } from '../../src/lib/crypto';
import { OpenApiRegistry } from '../../src/lib/openapi';
import { problemType } from '../../src/lib/problems';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeWorld, VICTIM_NAME, type World } from '../disbursements/support';
import { download, pdfBytes, upload } from './support';

/** What a database dump (a backup, a stolen disk) shows of documents: nothing readable. */
let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t);
}, 60_000);
afterAll(async () => {
  await t.close();
});

const run = promisify(execFile);

describe('documents at rest', () => {
  it('leaves no file content, file name or victim name in plaintext in a pg_dump', async () => {
    const marker = `REDRESS-MARKER-${crypto.randomBytes(8).toString('hex')}`;
    const filename = `Payslip of ${VICTIM_NAME} ${marker}.pdf`;
    await upload(t, w.worker, `/v1/claims/${w.claimId}/documents`, pdfBytes(20_000, marker), {
      kind: 'payslip',
      filename,
    }).expect(201);
    await upload(t, w.worker, `/v1/victims/${w.victimId}/documents`, pdfBytes(5_000, marker), {
      kind: 'id_copy',
      filename,
    }).expect(201);
    const { stdout } = await run('pg_dump', ['--no-owner', '--dbname', t.databaseUrl], {
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(stdout).toContain('document_contents'); // the dump does hold the documents' tables
    for (const needle of [
      marker,
      Buffer.from(marker).toString('hex'), // bytea is dumped as hex
      VICTIM_NAME,
      ...VICTIM_NAME.split(' ').filter((token) => token.length >= 4),
      'Payslip of',
    ])
      expect(stdout.includes(needle)).toBe(false);
  });
});

describe('key rotation', () => {
  it('re-wraps data keys under a new PII key without re-encrypting content', async () => {
    const file = pdfBytes(30_000);
    const up = await upload(t, w.worker, `/v1/claims/${w.claimId}/documents`, file).expect(201);
    const id = up.body.id as string;
    const before = await t.ctx.db
      .selectFrom('documents as d')
      .innerJoin('document_contents as c', 'c.id', 'd.id')
      .select(['d.key_id', 'c.ciphertext'])
      .where('d.id', '=', id)
      .executeTakeFirstOrThrow();

    // Prepend a new key, as an operator rotating PII_KEYS does.
    const old = parseKeyRing(t.config.piiKeys!, t.config.blindIndexKey!);
    const fresh = { id: `k-new-${crypto.randomBytes(3).toString('hex')}`, key: crypto.randomBytes(32) };
    const rotated = {
      ...t.ctx,
      cipher: createFieldCipher({ ...old, keys: [fresh, ...old.keys] }),
      openapi: new OpenApiRegistry(),
    };
    const result = await rewrapDocumentKeys(rotated);
    expect(result.failed).toEqual([]);
    expect(result.rewrapped).toBeGreaterThanOrEqual(1);

    const after = await t.ctx.db
      .selectFrom('documents as d')
      .innerJoin('document_contents as c', 'c.id', 'd.id')
      .select(['d.key_id', 'c.ciphertext'])
      .where('d.id', '=', id)
      .executeTakeFirstOrThrow();
    expect([before.key_id, after.key_id]).toEqual([old.keys[0]!.id, fresh.id]);
    expect(Buffer.compare(after.ciphertext, before.ciphertext)).toBe(0);

    // On the rotated ring the file opens as before.
    const newOnly = createApp(rotated);
    const res = await request(newOnly)
      .get(`/v1/documents/${id}/content`)
      .set('Authorization', w.worker.authHeader)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(res.body as Buffer, file)).toBe(0);

    // The app still on the old ring alone cannot unwrap the new wrapping: a clear problem, no 500.
    const stale = await download(t, w.worker, id);
    expect(stale.status).toBe(409);
    const problem = JSON.parse((stale.body as Buffer).toString('utf8')) as { type: string; detail: string };
    expect(problem.type).toBe(problemType('document-integrity-failed'));
    expect(problem.detail).toContain(fresh.id);
  });
});
