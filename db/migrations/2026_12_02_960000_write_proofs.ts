import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Write proofs. Chain links are sealed after commit, so a row INSERTed by SQL alone used to be
// sealed with a valid keyed link and look genuine. Now the application signs every audit event
// and ledger entry before inserting it: write_mac is an HMAC under a chain key (never in the
// database) over the row's content and write_nonce, a fresh uuid that is UNIQUE, so a copy of
// a genuine row cannot be replayed. Verification recomputes it; a missing or wrong one fails.
//
// Rows written before this migration have no proof. Which ones they are is recorded here, once,
// in an append-only table: everything sealed up to now, plus the ids of committed rows not yet
// sealed. An id alone would not do: a forger could INSERT with an explicit id in a gap below it.
//
// The functions that insert rows in PL/pgSQL (ledger_post_entry[_as], ledger_resolve_reservation,
// fund_post_receipt, which also writes an audit event) now take the proofs from the caller; the
// old signatures are dropped so that nothing can post without one.

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_events', 'ledger_entries']) {
    await sql`alter table ${sql.table(table)}
      add column write_nonce uuid unique, add column write_key_id text, add column write_mac text`.execute(
      db,
    );
  }

  await sql`create table write_proof_bounds (
    chain text primary key check (chain in ('audit', 'ledger')),
    last_unproven_seq bigint not null check (last_unproven_seq >= 0),
    unsealed_unproven_ids bigint[] not null,
    recorded_at timestamptz not null default now()
  )`.execute(db);
  await sql`insert into write_proof_bounds (chain, last_unproven_seq, unsealed_unproven_ids)
    select 'audit', coalesce(max(chain_seq), 0),
           coalesce(array_agg(id order by id) filter (where chain_seq is null), '{}') from audit_events
    union all
    select 'ledger', coalesce(max(chain_seq), 0),
           coalesce(array_agg(id order by id) filter (where chain_seq is null), '{}') from ledger_entries`.execute(
    db,
  );
  await sql`create trigger write_proof_bounds_append_only before update or delete on write_proof_bounds
    for each row execute function redress_append_only()`.execute(db);
  await sql`create trigger write_proof_bounds_no_truncate before truncate on write_proof_bounds
    for each statement execute function redress_append_only()`.execute(db);

  // The audit guard lets the sealer set the chain columns once; the proof is content: frozen too.
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
         or new.outcome is distinct from old.outcome or new.details is distinct from old.details
         or new.write_nonce is distinct from old.write_nonce or new.write_key_id is distinct from old.write_key_id
         or new.write_mac is distinct from old.write_mac then
        raise exception 'audit_events is append-only' using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);

  await dropPostingFunctions(db, false);
  await createPostingFunctions(db, true);
}

// The old signatures go: a function that posts without a proof must not remain callable.
const SIGNATURES = {
  postAs: 'ledger_post_entry_as(bigint, text, text, date, bigint, uuid, jsonb, bigint[], text[], bigint[]',
  post: 'ledger_post_entry(text, text, date, bigint, uuid, jsonb, bigint[], text[], bigint[]',
  resolve: 'ledger_resolve_reservation(bigint, boolean, text, date, uuid, jsonb',
  receipt: `fund_post_receipt(uuid, text, text, text, int, jsonb, text, text, jsonb,
    uuid, uuid, text, text, bigint, text, date, text, text, text, jsonb, bigint[], text[], bigint[]`,
};

async function dropPostingFunctions(db: Kysely<any>, withProof: boolean): Promise<void> {
  const proof = withProof ? ', uuid, text, text' : '';
  // fund_post_receipt takes two proofs: its audit event's (after the details) and its entry's (last).
  const receipt = withProof
    ? SIGNATURES.receipt.replace('jsonb,\n', 'jsonb, uuid, text, text,\n') + proof
    : SIGNATURES.receipt;
  await sql.raw(`drop function ${receipt})`).execute(db);
  await sql.raw(`drop function ${SIGNATURES.resolve}${proof})`).execute(db);
  await sql.raw(`drop function ${SIGNATURES.post}${proof})`).execute(db);
  await sql.raw(`drop function ${SIGNATURES.postAs}${proof})`).execute(db);
}

/** The posting functions as in 2026_11_29_200000 / 900000, with (up) or without (down) write proofs. */
async function createPostingFunctions(db: Kysely<any>, withProof: boolean): Promise<void> {
  const params = withProof ? sql`, p_write_nonce uuid, p_write_key_id text, p_write_mac text` : sql``;
  const args = withProof ? sql`, p_write_nonce, p_write_key_id, p_write_mac` : sql``;
  const columns = withProof ? sql`, write_nonce, write_key_id, write_mac` : sql``;
  await sql`create function ledger_post_entry_as(
      p_id bigint, p_kind text, p_description text, p_effective_on date, p_reverses bigint,
      p_created_by uuid, p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[]${params})
    returns bigint language plpgsql as $$
    begin
      perform ledger_lock_accounts(p_accounts);
      insert into ledger_entries (id, kind, description, effective_on, reverses_entry_id, created_by, metadata${columns})
        overriding system value
        values (p_id, p_kind, p_description, coalesce(p_effective_on, current_date), p_reverses, p_created_by,
                coalesce(p_metadata, '{}'::jsonb)${args});
      insert into ledger_postings (entry_id, account_id, side, amount)
        select p_id, t.a, t.s, t.m from unnest(p_accounts, p_sides, p_amounts) with ordinality as t(a, s, m, n)
         order by t.n;
      return p_id;
    end $$`.execute(db);
  await sql`create function ledger_post_entry(
      p_kind text, p_description text, p_effective_on date, p_reverses bigint, p_created_by uuid,
      p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[]${params}) returns bigint
    language plpgsql as $$
    begin
      return ledger_post_entry_as(nextval(pg_get_serial_sequence('ledger_entries', 'id')), p_kind, p_description,
        p_effective_on, p_reverses, p_created_by, p_metadata, p_accounts, p_sides, p_amounts${args});
    end $$`.execute(db);
  await sql`create function ledger_resolve_reservation(
      p_id bigint, p_post boolean, p_description text, p_effective_on date, p_created_by uuid,
      p_metadata jsonb${params}) returns bigint
    language plpgsql as $$
    declare
      v_res ledger_reservations;
      v_accounts bigint[];
      v_entry bigint;
    begin
      select * into v_res from ledger_reservations where id = p_id for update;
      if not found then
        raise exception 'no reservation %', p_id using errcode = 'RL006';
      end if;
      if v_res.status <> 'pending' then
        raise exception 'reservation % is already %', p_id, v_res.status using errcode = 'RL005';
      end if;
      select array_agg(account_id) into v_accounts from ledger_reservation_lines where reservation_id = p_id;
      perform ledger_lock_accounts(v_accounts);
      if not p_post then
        update ledger_reservations set status = 'voided', resolved_at = clock_timestamp() where id = p_id;
        return null;
      end if;
      insert into ledger_entries (kind, description, effective_on, created_by, metadata${columns})
        values ('disbursement', coalesce(p_description, v_res.description), coalesce(p_effective_on, current_date),
                p_created_by, v_res.metadata || coalesce(p_metadata, '{}'::jsonb)
                  || jsonb_build_object('reservationId', p_id::text)${args})
        returning id into v_entry;
      -- Release first, then post: posting while the hold is still counted would double-count it.
      update ledger_reservations set status = 'posted', resolved_at = clock_timestamp(), entry_id = v_entry
       where id = p_id;
      insert into ledger_postings (entry_id, account_id, side, amount)
        select v_entry, account_id, side, amount from ledger_reservation_lines where reservation_id = p_id order by id;
      return v_entry;
    end $$`.execute(db);
  await createReceiptFunction(db, withProof);
}

/** fund_post_receipt as in 2026_11_29_900000, with (up) or without (down) the event's and entry's proofs. */
async function createReceiptFunction(db: Kysely<any>, withProof: boolean): Promise<void> {
  const proofParams = withProof ? sql`p_audit_nonce uuid, p_audit_key_id text, p_audit_mac text,` : sql``;
  const entryParams = withProof ? sql`, p_entry_nonce uuid, p_entry_key_id text, p_entry_mac text` : sql``;
  const entryArgs = withProof ? sql`, p_entry_nonce, p_entry_key_id, p_entry_mac` : sql``;
  const proofColumns = withProof ? sql`, write_nonce, write_key_id, write_mac` : sql``;
  const proofValues = withProof ? sql`, p_audit_nonce, p_audit_key_id, p_audit_mac` : sql``;
  await sql`create function fund_post_receipt(
      p_user uuid, p_key text, p_endpoint text, p_request_hash text, p_status int, p_response jsonb,
      p_actor_role text, p_request_id text, p_audit_details jsonb,
      ${proofParams}
      p_receipt_id uuid, p_fund uuid, p_source text, p_pot text, p_amount bigint, p_currency text,
      p_received_on date, p_reference text, p_donor text,
      p_description text, p_metadata jsonb, p_accounts bigint[], p_sides text[], p_amounts bigint[]${entryParams})
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

      insert into audit_events (actor_id, actor_role, action, resource_type, resource_id, request_id, outcome,
                                details${proofColumns})
        values (p_user, p_actor_role, 'fund_receipt.create', 'fund_receipt', p_receipt_id::text, p_request_id,
                'success', p_audit_details${proofValues});

      perform ledger_post_entry_as(v_entry, 'receipt', p_description, p_received_on, null, p_user, p_metadata,
                                   p_accounts, p_sides, p_amounts${entryArgs});

      insert into fund_receipts (id, fund_id, entry_id, source, pot_code, amount, currency, received_on,
                                 reference, donor, created_by, created_at)
        values (p_receipt_id, p_fund, v_entry, p_source, p_pot, p_amount, p_currency, p_received_on,
                p_reference, p_donor, p_user, v_created);
      return query select false, p_status, v_response, p_request_hash;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropPostingFunctions(db, true);
  await createPostingFunctions(db, false);
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
  await sql`drop table if exists write_proof_bounds`.execute(db);
  for (const table of ['audit_events', 'ledger_entries']) {
    await sql`alter table ${sql.table(table)}
      drop column if exists write_nonce, drop column if exists write_key_id, drop column if exists write_mac`.execute(
      db,
    );
  }
}
