import type { Actor } from './auth';
import type { Validated } from './validate';

/**
 * What the middleware in this folder leaves on a request, declared once so no handler reaches
 * for `(req as any)`: `authenticate` sets `actor`, `validateRequest` sets `valid`.
 */
declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
    valid?: Validated;
  }
}

export {};
