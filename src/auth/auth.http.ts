import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { ROLES } from '../lib/auth';
import { defineRoute } from '../lib/route';
import { login, logout } from './login.service';
import { loginBody } from './auth.schemas';
import { registerUserRoutes } from './users.http';

const sessionResponse = Joi.object({
  token: Joi.string().description('Opaque bearer token; send as Authorization: Bearer <token>'),
  expiresAt: Joi.string().isoDate(),
  user: Joi.object({
    id: Joi.string().uuid(),
    email: Joi.string(),
    role: Joi.string().valid(...ROLES),
    organizationId: Joi.string().uuid().allow(null),
  }),
});

/** Identity and access: sessions here, organizations and users in users.http.ts. */
export function registerAuthRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/auth/login',
      summary: 'Sign in with e-mail and password; returns a bearer token',
      tags: ['auth'],
      permission: null,
      body: loginBody,
      responses: {
        200: { description: 'Signed in', schema: sessionResponse },
        401: { description: 'Wrong e-mail or password (the same answer for both)' },
        429: { description: 'Too many failed logins for this account or address; see Retry-After' },
      },
    },
    async (call, _req, res) => {
      const session = await login(ctx, call.body, { ip: call.ip, requestId: call.requestId });
      res.status(200).json(session);
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/auth/logout',
      summary: "Sign out: the caller's token stops working at once",
      tags: ['auth'],
      permission: 'auth:session',
      body: Joi.object<Record<string, never>, true>({}),
      responses: { 204: { description: 'Signed out' } },
    },
    async (call, _req, res) => {
      await logout(ctx, call.actor, { ip: call.ip, requestId: call.requestId });
      res.status(204).end();
    },
  );

  registerUserRoutes(ctx, router);
}
