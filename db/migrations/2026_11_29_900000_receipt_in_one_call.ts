import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// A receipt over HTTP in one round trip. The service checks reach, pot and currency first (from
// its fund cache), then this function does, inside the one statement's transaction: claim the
// Idempotency-Key (or return the earlier answer), write the audit event, post the entry, insert
// the receipt row, and store the response with the entry id (taken from the sequence first, so
// the key row is written once) and the creation time filled in.
// Without BEGIN/COMMIT round trips the pot's account rows stay locked only for the few
// microseconds between the posting and the commit, which is what lets one hot pot go fast.
//
// A concurrent request with the same key waits on the key's primary key until the first
// commits; the next statement then sees the committed row (READ COMMITTED takes a new snapshot
// per statement in a volatile function) and answers with it, as `idempotent()` does in TypeScript.

export async function up(db: Kysely<any>): Promise<void> {
  // The posting with an id chosen by the caller: the receipt takes it from the sequence first,
  // so that its stored response, which names the entry, is written once, with the key claim.
  await sql`create function ledger_post_entry_as(
      p_id bigint, p_kind text, p_description text, p_effective_on date, p_reverses bigint,
      p_created_by uuid, p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[])
    returns bigint language plpgsql as $$
    begin
      perform ledger_lock_accounts(p_accounts);
      insert into ledger_entries (id, kind, description, effective_on, reverses_entry_id, created_by, metadata)
        overriding system value
        values (p_id, p_kind, p_description, coalesce(p_effective_on, current_date), p_reverses, p_created_by,
                coalesce(p_metadata, '{}'::jsonb));
      insert into ledger_postings (entry_id, account_id, side, amount)
        select p_id, t.a, t.s, t.m from unnest(p_accounts, p_sides, p_amounts) with ordinality as t(a, s, m, n)
         order by t.n;
      return p_id;
    end $$`.execute(db);
  await sql`create or replace function ledger_post_entry(
      p_kind text, p_description text, p_effective_on date, p_reverses bigint, p_created_by uuid,
      p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[]) returns bigint
    language plpgsql as $$
    begin
      return ledger_post_entry_as(nextval(pg_get_serial_sequence('ledger_entries', 'id')), p_kind, p_description,
        p_effective_on, p_reverses, p_created_by, p_metadata, p_accounts, p_sides, p_amounts);
    end $$`.execute(db);

  await sql`create function fund_post_receipt(
      p_user uuid, p_key text, p_endpoint text, p_request_hash text, p_status int, p_response jsonb,
      p_actor_role text, p_request_id text, p_audit_details jsonb,
      p_receipt_id uuid, p_fund uuid, p_source text, p_pot text, p_amount bigint, p_currency text,
      p_received_on date, p_reference text, p_donor text,
      p_description text, p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[])
    returns table (replayed boolean, status int, response jsonb, request_hash text)
    language plpgsql as $$
    declare
      v_entry bigint := nextval(pg_get_serial_sequence('ledger_entries', 'id'));
      v_created timestamptz := date_trunc('milliseconds', now());
      v_response jsonb := p_response || jsonb_build_object(
        'entryId', v_entry::text,
        'createdAt', to_char(v_created at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
    begin
      insert into idempotency_keys (user_id, key, endpoint, request_hash, status, response)
        values (p_user, p_key, p_endpoint, p_request_hash, p_status, v_response)
        on conflict (user_id, key) do nothing;
      if not found then
        return query select true, k.status, k.response, k.request_hash
          from idempotency_keys k where k.user_id = p_user and k.key = p_key;
        return;
      end if;

      insert into audit_events (actor_id, actor_role, action, resource_type, resource_id, request_id, outcome, details)
        values (p_user, p_actor_role, 'fund_receipt.create', 'fund_receipt', p_receipt_id::text, p_request_id,
                'success', p_audit_details);

      perform ledger_post_entry_as(v_entry, 'receipt', p_description, p_received_on, null, p_user, p_metadata,
                                   p_accounts, p_sides, p_amounts);

      insert into fund_receipts (id, fund_id, entry_id, source, pot_code, amount, currency, received_on,
                                 reference, donor, created_by, created_at)
        values (p_receipt_id, p_fund, v_entry, p_source, p_pot, p_amount, p_currency, p_received_on,
                p_reference, p_donor, p_user, v_created);
      return query select false, p_status, v_response, p_request_hash;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function ledger_post_entry(
      p_kind text, p_description text, p_effective_on date, p_reverses bigint, p_created_by uuid,
      p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[]) returns bigint
    language plpgsql as $$
    declare v_id bigint;
    begin
      perform ledger_lock_accounts(p_accounts);
      insert into ledger_entries (kind, description, effective_on, reverses_entry_id, created_by, metadata)
        values (p_kind, p_description, coalesce(p_effective_on, current_date), p_reverses, p_created_by,
                coalesce(p_metadata, '{}'::jsonb))
        returning id into v_id;
      insert into ledger_postings (entry_id, account_id, side, amount)
        select v_id, t.a, t.s, t.m from unnest(p_accounts, p_sides, p_amounts) with ordinality as t(a, s, m, n)
         order by t.n;
      return v_id;
    end $$`.execute(db);
  await sql`drop function if exists ledger_post_entry_as(bigint, text, text, date, bigint, uuid, jsonb, bigint[], text[], bigint[])`.execute(
    db,
  );
  await sql`drop function if exists fund_post_receipt(uuid, text, text, text, int, jsonb, text, text, jsonb,
    uuid, uuid, text, text, bigint, text, date, text, text, text, jsonb, bigint[], text[], bigint[])`.execute(
    db,
  );
}
