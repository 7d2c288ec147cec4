import Joi from 'joi';
import { emailSchema } from '../lib/email';
import type { LoginInput } from './login.service';

/** Sign-in, for the API's login and the console's sign-in form alike. */
export const loginBody = Joi.object<LoginInput, true>({
  email: emailSchema.required(),
  // bounded so a huge "password" cannot make the slow hash a denial of service
  password: Joi.string().min(1).max(1024).required(),
});
