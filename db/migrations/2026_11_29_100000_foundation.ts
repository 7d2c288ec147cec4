import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table organizations (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(name) between 1 and 200),
    kind text not null check (kind in ('legal_aid', 'fund_agency', 'other')),
    created_at timestamptz not null default now()
  )`.execute(db);

  await sql`create table users (
    id uuid primary key default gen_random_uuid(),
    email text not null unique check (email = lower(email)),
    name text not null,
    password_hash text not null,
    role text not null check (role in ('admin', 'legal_aid', 'fund_admin', 'auditor')),
    organization_id uuid references organizations(id),
    active boolean not null default true,
    created_at timestamptz not null default now()
  )`.execute(db);

  await sql`create table auth_tokens (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references users(id),
    token_hash text not null unique,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz
  )`.execute(db);
  await sql`create index auth_tokens_user on auth_tokens (user_id)`.execute(db);

  await sql`create table login_attempts (
    id bigserial primary key,
    account_key text not null,
    address text not null,
    succeeded boolean not null,
    at timestamptz not null default now()
  )`.execute(db);
  await sql`create index login_attempts_account on login_attempts (account_key, at)`.execute(db);
  await sql`create index login_attempts_address on login_attempts (address, at)`.execute(db);

  await sql`create table audit_events (
    id bigserial primary key,
    occurred_at timestamptz not null default now(),
    actor_id uuid,
    actor_role text,
    action text not null,
    resource_type text not null,
    resource_id text,
    request_id text,
    outcome text not null check (outcome in ('success', 'failure', 'denied')),
    details jsonb not null default '{}'::jsonb,
    chain_seq bigint unique,
    prev_hash text,
    hash text
  )`.execute(db);
  await sql`create index audit_events_unsealed on audit_events (id) where chain_seq is null`.execute(db);

  // Append-only: content never changes; the chain columns may be set exactly once (sealing).
  await sql`create function audit_events_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'audit_events is append-only' using errcode = 'P0001';
      end if;
      if old.chain_seq is not null
         or new.id <> old.id or new.occurred_at <> old.occurred_at
         or new.actor_id is distinct from old.actor_id or new.actor_role is distinct from old.actor_role
         or new.action <> old.action or new.resource_type <> old.resource_type
         or new.resource_id is distinct from old.resource_id or new.request_id is distinct from old.request_id
         or new.outcome <> old.outcome or new.details <> old.details then
        raise exception 'audit_events is append-only' using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function audit_events_guard()`.execute(db);
  await sql`create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_guard()`.execute(db);

  await sql`create table outbox (
    id bigserial primary key,
    topic text not null,
    payload jsonb not null,
    created_at timestamptz not null default now(),
    relayed_at timestamptz
  )`.execute(db);
  await sql`create index outbox_pending on outbox (id) where relayed_at is null`.execute(db);

  await sql`create table outbox_deliveries (
    outbox_id bigint primary key references outbox(id),
    delivered_at timestamptz not null default now(),
    detail text
  )`.execute(db);

  await sql`create table idempotency_keys (
    user_id uuid not null references users(id),
    key text not null,
    endpoint text not null,
    request_hash text not null,
    status integer not null,
    response jsonb not null,
    created_at timestamptz not null default now(),
    primary key (user_id, key)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'idempotency_keys',
    'outbox_deliveries',
    'outbox',
    'audit_events',
    'login_attempts',
    'auth_tokens',
    'users',
    'organizations',
  ]) {
    await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
  }
  await sql`drop function if exists audit_events_guard()`.execute(db);
}
