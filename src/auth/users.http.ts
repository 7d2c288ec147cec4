import type { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../context';
import { ROLES, type Role } from '../lib/auth';
import type { IdParams } from '../lib/schemas';
import { defineRoute } from '../lib/route';
import { emailSchema } from '../lib/email';
import { MIN_DISTINCT_CHARACTERS, passwordProblem } from './password-policy';
import { decodeCursor, MIN_PASSWORD_LENGTH, ORGANIZATION_KINDS } from './auth';
import { LANGUAGES } from '../lib/i18n';
import {
  createOrganization,
  createUser,
  listOrganizations,
  listUsers,
  updateUser,
  type NewOrganization,
  type NewUser,
  type UserPatch,
} from './users.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Stored lower-cased: staff addresses are compared case-insensitively.
const staffEmail = emailSchema.lowercase();

/** A cursor from a previous page, decoded into its sort-key values (validated like any input). */
function cursorSchema<T extends string[]>(
  length: number,
  check: (values: string[]) => boolean = () => true,
): Joi.ArraySchema<T> {
  const schema = Joi.string()
    .max(1000)
    .custom((value: string, helpers) => {
      const values = decodeCursor(value, length);
      return values && check(values) ? values : helpers.error('any.invalid');
    })
    .messages({ 'any.invalid': 'is not a cursor from a previous page' });
  // A string on the wire, but the custom rule hands the handler the decoded values: typed as what
  // it yields, so a query interface can say `cursor?: [string, string]`.
  return schema as unknown as Joi.ArraySchema<T>;
}

/** GET /v1/organizations's query, the cursor decoded to (name, id). */
export interface OrganizationsQuery {
  limit: number;
  cursor?: [name: string, id: string];
}

/** GET /v1/users's query, the cursor decoded to the last e-mail seen. */
export interface UsersQuery {
  limit: number;
  cursor?: [email: string];
  role?: Role;
  organizationId?: string;
}

const languageSchema = Joi.string().valid(...LANGUAGES);

const limitSchema = Joi.number().integer().min(1).max(500).default(50);

export const organizationBody = Joi.object<NewOrganization, true>({
  name: Joi.string().trim().min(1).max(200).required(),
  kind: Joi.string()
    .valid(...ORGANIZATION_KINDS)
    .required(),
});

export const userBody = Joi.object<NewUser, true>({
  email: staffEmail.required(),
  name: Joi.string().trim().min(1).max(200).required(),
  password: Joi.string()
    .min(MIN_PASSWORD_LENGTH)
    .max(1024)
    .required()
    .custom((value: string, helpers) => {
      const user = (helpers.state.ancestors as Array<{ email?: string; name?: string }>)[0] ?? {};
      const weak = passwordProblem(value, [user.email, user.name]);
      return weak ? helpers.message({ custom: `{{#label}} ${weak}` }) : value;
    })
    .description(
      `At least ${MIN_PASSWORD_LENGTH} characters, ${MIN_DISTINCT_CHARACTERS} of them different; not a common or breached password`,
    ),
  role: Joi.string()
    .valid(...ROLES)
    .required(),
  organizationId: Joi.string()
    .uuid()
    .allow(null)
    .description('Required for legal_aid (a legal_aid or other organization) and fund_admin (a fund_agency)'),
  preferredLanguage: languageSchema.description('The language of their e-mails; default en'),
});

export const userPatchBody = Joi.object<UserPatch, true>({
  preferredLanguage: languageSchema,
  active: Joi.boolean().description(
    'Administrators only: false deactivates the account and revokes its tokens',
  ),
}).min(1);

const organizationResponse = Joi.object({
  id: Joi.string().uuid(),
  name: Joi.string(),
  kind: Joi.string().valid(...ORGANIZATION_KINDS),
  createdAt: Joi.string().isoDate(),
});

const userResponse = Joi.object({
  id: Joi.string().uuid(),
  email: Joi.string(),
  name: Joi.string(),
  role: Joi.string().valid(...ROLES),
  organizationId: Joi.string().uuid().allow(null),
  active: Joi.boolean(),
  createdAt: Joi.string().isoDate(),
  preferredLanguage: languageSchema,
});

const userWarning = Joi.object({
  code: Joi.string().valid('fund_cannot_approve'),
  message: Joi.string(),
  fundId: Joi.string().uuid(),
  fundName: Joi.string(),
  activeAdministrators: Joi.number().integer(),
  administratorsNeeded: Joi.number().integer(),
});

const patchedUserResponse = userResponse.keys({
  warnings: Joi.array()
    .items(userWarning)
    .description('After a deactivation: the funds of their agency left unable to approve disbursements'),
});

const pageOf = (item: Joi.Schema) =>
  Joi.object({ items: Joi.array().items(item), nextCursor: Joi.string().allow(null) });

export function registerUserRoutes(ctx: AppContext, router: Router): void {
  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/organizations',
      summary: 'Create an organization (a legal aid office, a fund agency, ...)',
      tags: ['organizations'],
      permission: 'organizations:create',
      body: organizationBody,
      responses: { 201: { description: 'Created', schema: organizationResponse } },
    },
    async (call, _req, res) => {
      const organization = await createOrganization(ctx, call.body, {
        actor: call.actor,
        requestId: call.requestId,
      });
      res.status(201).json(organization);
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/organizations',
      summary: 'List organizations, by name',
      tags: ['organizations'],
      permission: 'organizations:read',
      query: Joi.object<OrganizationsQuery, true>({
        limit: limitSchema,
        cursor: cursorSchema(2, ([, id]) => UUID.test(id ?? '')),
      }),
      responses: { 200: { description: 'A page of organizations', schema: pageOf(organizationResponse) } },
    },
    async (call, _req, res) => {
      const after = call.query.cursor ?? null;
      res.json(await listOrganizations(ctx.db, { limit: call.query.limit, after }));
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'post',
      path: '/v1/users',
      summary: 'Create a staff account; a welcome e-mail is sent',
      tags: ['users'],
      permission: 'users:create',
      body: userBody,
      responses: {
        201: { description: 'Created', schema: userResponse },
        409: { description: 'A user with this e-mail address already exists' },
      },
    },
    async (call, _req, res) => {
      const user = await createUser(ctx, call.body, { actor: call.actor, requestId: call.requestId });
      res.status(201).json(user);
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'get',
      path: '/v1/users',
      summary: 'List staff accounts, by e-mail (never with password hashes)',
      tags: ['users'],
      permission: 'users:read',
      query: Joi.object<UsersQuery, true>({
        limit: limitSchema,
        cursor: cursorSchema(1),
        role: Joi.string().valid(...ROLES),
        organizationId: Joi.string().uuid(),
      }),
      responses: { 200: { description: 'A page of users', schema: pageOf(userResponse) } },
    },
    async (call, _req, res) => {
      const cursor = call.query.cursor;
      res.json(
        await listUsers(ctx.db, {
          limit: call.query.limit,
          afterEmail: cursor?.[0] ?? null,
          role: call.query.role,
          organizationId: call.query.organizationId,
        }),
      );
    },
  );

  defineRoute(
    ctx,
    router,
    {
      method: 'patch',
      path: '/v1/users/:id',
      summary:
        "Change a user's e-mail language (the user or an administrator), or deactivate or reactivate the account (an administrator)",
      tags: ['users'],
      permission: 'auth:session',
      params: Joi.object<IdParams, true>({ id: Joi.string().uuid().required() }),
      body: userPatchBody,
      responses: {
        200: { description: 'The user, with `warnings`', schema: patchedUserResponse },
        403: { description: 'Only an administrator may change `active`' },
        404: { description: 'No such user within reach' },
        409: { description: 'An administrator cannot deactivate their own account' },
      },
    },
    async (call, _req, res) => {
      res.json(
        await updateUser(ctx, call.params.id, call.body, {
          actor: call.actor,
          requestId: call.requestId,
        }),
      );
    },
  );
}
