import Joi from 'joi';

/** POST /v1/victims/:id/access-code takes no fields. */
export type IssueCodeBody = Record<string, never>;

/** The code is always generated, never chosen: the body is empty. */
export const issueCodeBody = Joi.object<IssueCodeBody, true>({});
