import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// A receipt over HTTP in one round trip. The service checks reach, pot and currency first (from
// its fund cache), then this function does, inside the one statement's transaction: claim the
// Idempotency-Key (or return the earlier answer), write the audit event, post the entry, insert
// the receipt row and store the response with the entry id and creation time filled in.
// Without BEGIN/COMMIT round trips the pot's account rows stay locked only for the few
// microseconds between the posting and the commit, which is what lets one hot pot go fast.
//
// A concurrent request with the same key waits on the key's primary key until the first
// commits; the next statement then sees the committed row (READ COMMITTED takes a new snapshot
// per statement in a volatile function) and answers with it, as `idempotent()` does in TypeScript.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create function fund_post_receipt(
      p_user uuid, p_key text, p_endpoint text, p_request_hash text, p_status int, p_response jsonb,
      p_actor_role text, p_request_id text, p_audit_details jsonb,
      p_receipt_id uuid, p_fund uuid, p_source text, p_pot text, p_amount bigint, p_currency text,
      p_received_on date, p_reference text, p_donor text,
      p_description text, p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[])
    returns table (replayed boolean, status int, response jsonb, request_hash text)
    language plpgsql as $$
    declare
      v_entry bigint;
      v_created timestamptz := date_trunc('milliseconds', now());
      v_response jsonb;
    begin
      insert into idempotency_keys (user_id, key, endpoint, request_hash, status, response)
        values (p_user, p_key, p_endpoint, p_request_hash, 0, '{}'::jsonb)
        on conflict (user_id, key) do nothing;
      if not found then
        return query select true, k.status, k.response, k.request_hash
          from idempotency_keys k where k.user_id = p_user and k.key = p_key;
        return;
      end if;

      insert into audit_events (actor_id, actor_role, action, resource_type, resource_id, request_id, outcome, details)
        values (p_user, p_actor_role, 'fund_receipt.create', 'fund_receipt', p_receipt_id::text, p_request_id,
                'success', p_audit_details);

      v_entry := ledger_post_entry('receipt', p_description, p_received_on, null, p_user, p_metadata,
                                   p_accounts, p_sides, p_amounts);

      insert into fund_receipts (id, fund_id, entry_id, source, pot_code, amount, currency, received_on,
                                 reference, donor, created_by, created_at)
        values (p_receipt_id, p_fund, v_entry, p_source, p_pot, p_amount, p_currency, p_received_on,
                p_reference, p_donor, p_user, v_created);

      update idempotency_keys k
         set status = p_status,
             response = p_response || jsonb_build_object(
               'entryId', v_entry::text,
               'createdAt', to_char(v_created at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       where k.user_id = p_user and k.key = p_key
      returning k.response into v_response;
      return query select false, p_status, v_response, p_request_hash;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists fund_post_receipt(uuid, text, text, text, int, jsonb, text, text, jsonb,
    uuid, uuid, text, text, bigint, text, date, text, text, text, jsonb, bigint[], text[], bigint[])`.execute(
    db,
  );
}
