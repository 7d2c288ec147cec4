/**
 * Which way dependencies may point in `src/` (checked by `npm run lint`).
 *
 *   root files (src/*.ts: app, routes, context, database, bootstrap, ...)  may import anything
 *   status, notifications                                                   high
 *   casework (use cases spanning victims and claims)
 *   disbursements → claims → victims
 *   funds → ledger → audit, auth
 *   lib/                                                                    imports no domain
 *
 * A "domain" is any folder directly under src/ other than lib/. Paths are relative to where
 * depcruise runs, so test/lint/boundaries.test.ts runs the same rules on its fixture tree.
 * Type-only imports count (tsPreCompilationDeps): a type is a dependency too.
 */
const DOMAIN = '^src/(?!lib/)[^/]+/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-imports-no-domain',
      comment:
        'lib/ is cross-cutting: it may not import a domain folder or a root file (the composition root ' +
        'passes in what lib needs, e.g. RouteContext hooks). config.ts is the one root file lib reads.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: [DOMAIN, '^src/(?!config\\.ts$)[^/]+$'] },
    },
    {
      name: 'ledger-imports-no-upper-domain',
      comment:
        'The books sit low: ledger/ may import lib/, audit/ and the root, never funds, claims, ' +
        'disbursements, victims or anything else built on top of it.',
      severity: 'error',
      from: { path: '^src/ledger/' },
      to: { path: DOMAIN, pathNot: '^src/(ledger|lib|audit)/' },
    },
    {
      name: 'no-foreign-http',
      comment:
        "A domain's *.http.ts is its edge, wired in by the root (routes.ts): another domain takes " +
        'schemas and types from lib/ or from the owner’s *.schemas.ts, never from its router.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.*\\.http\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'no-domain-cycles',
      comment:
        'Domain folders form a one-way graph: no chain of imports may lead from a domain back to ' +
        'itself through other domains.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/(?!lib$)[^/]+$' },
      to: { path: '^src/(?!lib$)[^/]+$', circular: true },
    },
  ],
  options: {
    includeOnly: '^src/',
    // Root files stay in the graph (lib may not import them) but their own imports are not
    // followed: the root imports every domain by design, and would otherwise close every
    // domain-to-domain edge into a folder cycle through itself.
    doNotFollow: { path: ['node_modules', '^src/[^/]+\\.[a-z]+$'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
