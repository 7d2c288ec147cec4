import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('HTTP edge', () => {
  it('answers /healthz and /readyz', async () => {
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body.checks.database).toBe('ok');
  });

  it('answers an unknown route with a problem+json 404 and a request id', async () => {
    const res = await request(t.app).get('/v1/nothing-here').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not found' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed incoming request id', async () => {
    const res = await request(t.app).get('/healthz').set('x-request-id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('refuses a non-JSON body with 415', async () => {
    const res = await request(t.app)
      .post('/v1/auth/login')
      .set('content-type', 'text/plain')
      .send('hello')
      .expect(415);
    expect(res.body.status).toBe(415);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await request(t.app)
      .post('/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(res.body.title).toBe('Malformed JSON');
  });

  it('refuses an oversize body with 413', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(t.config.bodyLimitBytes) });
    const res = await request(t.app)
      .post('/v1/auth/login')
      .set('content-type', 'application/json')
      .send(big)
      .expect(413);
    expect(res.body.status).toBe(413);
  });

  it('sets security headers (helmet)', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves Prometheus metrics and an OpenAPI document', async () => {
    const metrics = await request(t.app).get('/metrics').expect(200);
    expect(metrics.text).toContain('redress_http_request_duration_seconds');
    const spec = await request(t.app).get('/openapi.json').expect(200);
    expect(spec.body.openapi).toBe('3.0.3');
  });
});
