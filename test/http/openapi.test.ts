import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Routes served outside the API (probes, metrics, the document itself): README "Production". */
const OPERATIONAL = ['get /healthz', 'get /readyz', 'get /metrics', 'get /openapi.json'];

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
  rawPath?: string | string[];
  slash?: boolean;
}

/**
 * Every "method path" the Express app would actually serve, found by walking its router stack
 * (sub-routers included) — not by asking the registry the document is generated from, so a
 * route added with a bare `router.get` and no `defineRoute` is caught.
 */
function servedRoutes(stack: RouterLayer[], prefix = ''): string[] {
  const found: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const method of Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]))
        for (const path of paths) found.push(`${method} ${prefix}${path}`);
    } else if (layer.handle.stack) {
      // a mounted router: `app.use(router)` mounts at '/', which adds nothing to the path
      const mount = layer.slash || layer.rawPath === '/' ? '' : String(layer.rawPath ?? '');
      found.push(...servedRoutes(layer.handle.stack, prefix + mount));
    }
  }
  return [...new Set(found)];
}

const documented = (doc: { paths: Record<string, Record<string, unknown>> }) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );

describe('OpenAPI document', () => {
  it('documents every route the app serves, and no route it does not serve', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    const served = servedRoutes((t.app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
    expect(served).toEqual(expect.arrayContaining(OPERATIONAL));
    // the staff console's HTML pages (/console) are not API operations: README "Staff console"
    const console = served.filter((r) => / \/console(\/|$)/.test(r));
    expect(console).toEqual(expect.arrayContaining(['get /console/sign-in', 'post /console/sign-in']));
    const api = served.filter((r) => !OPERATIONAL.includes(r) && !console.includes(r));
    expect(api.length).toBeGreaterThan(5);
    expect(documented(res.body).sort()).toEqual(api.sort());
  });

  it('generates request schemas from the validating joi schemas', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
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
