import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.

export async function up(db: Kysely<any>): Promise<void> {
  // The foundation guard let TRUNCATE through: in a statement-level trigger OLD is null, every
  // comparison is null, and a BEFORE statement trigger's return value is ignored. Refuse it by name.
  await sql`create or replace function audit_events_guard() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'TRUNCATE') then
        raise exception 'audit_events is append-only' using errcode = 'P0001';
      end if;
      if old.chain_seq is not null
         or new.id is distinct from old.id or new.occurred_at is distinct from old.occurred_at
         or new.actor_id is distinct from old.actor_id or new.actor_role is distinct from old.actor_role
         or new.action is distinct from old.action or new.resource_type is distinct from old.resource_type
         or new.resource_id is distinct from old.resource_id or new.request_id is distinct from old.request_id
         or new.outcome is distinct from old.outcome or new.details is distinct from old.details then
        raise exception 'audit_events is append-only' using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);

  // GET /v1/audit/events filters by resource or action, newest first; without these every
  // filtered page would walk the ever-growing table backwards by id.
  await sql`create index audit_events_resource on audit_events (resource_type, resource_id, id desc)`.execute(
    db,
  );
  await sql`create index audit_events_action on audit_events (action, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists audit_events_action`.execute(db);
  await sql`drop index if exists audit_events_resource`.execute(db);
  await sql`create or replace function audit_events_guard() returns trigger language plpgsql as $$
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
}
