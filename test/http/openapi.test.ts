import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('OpenAPI document', () => {
  it('documents every registered route, generated from the validating joi schemas', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    const routes = t.ctx.openapi.list();
    expect(routes.length).toBeGreaterThan(5);
    for (const r of routes) {
      const path = r.path.replace(/:(\w+)/g, '{$1}');
      expect(res.body.paths[path]?.[r.method]).toBeDefined();
    }
    expect(
      res.body.paths['/v1/auth/login'].post.requestBody.content['application/json'].schema,
    ).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: expect.arrayContaining(['email', 'password']),
    });
  });

  it('converts every schema (no route is published with an unconvertible schema)', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    expect(JSON.stringify(res.body)).not.toContain('schema not convertible');
  });

  it('marks money-moving routes as requiring an Idempotency-Key header', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    for (const r of t.ctx.openapi.list().filter((x) => x.idempotent)) {
      const op = res.body.paths[r.path.replace(/:(\w+)/g, '{$1}')][r.method];
      expect(op.parameters).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
      );
    }
  });

  it('serves the interactive docs page', async () => {
    const res = await request(t.app).get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});
