import type { Generated } from 'kysely';
import type { Role } from '../lib/auth';
import type { Language } from '../lib/i18n';

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  kind: 'legal_aid' | 'fund_agency' | 'other';
  created_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string; // staff address, stored lower-cased; staff are not the protected population
  name: string;
  password_hash: string; // scrypt$N$r$p$salt$hash
  role: Role;
  organization_id: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  /** The language of the e-mails this person gets (default English). */
  preferred_language: Generated<Language>;
}

export interface AuthTokensTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Date | null;
  channel: Generated<'api' | 'console'>;
  /** Console sessions only: when the cookie was last used (the idle timeout counts from it). */
  last_used_at: Date | null;
}

export interface LoginAttemptsTable {
  id: Generated<string>;
  account_key: string; // hash of the lower-cased e-mail, so the table is not a list of addresses
  address: string;
  succeeded: boolean;
  at: Generated<Date>;
}

export interface AuthTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  auth_tokens: AuthTokensTable;
  login_attempts: LoginAttemptsTable;
}
