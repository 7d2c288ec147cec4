import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Hearings become records of their own: scheduled, rescheduled, adjourned (to a new hearing),
// cancelled or held with an outcome, each step kept in an append-only history, so a new date
// no longer needs a claim transition. The hearing dates that moves into a hearing stage carried
// (claim_transitions.hearing_on) are copied over; the column stays, as the history of those moves.
// A user's private calendar feed is reached by a secret token stored only as its hash.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table hearings (
    id uuid primary key default gen_random_uuid(),
    claim_id uuid not null references claims(id),
    kind text not null
      check (kind in ('conciliation', 'hearing', 'trial', 'appeal', 'mention', 'judgment', 'other')),
    scheduled_on date not null,
    starts_at_local text check (starts_at_local ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    time_zone text not null,
    starts_at timestamptz,
    forum text,
    room text,
    status text not null default 'scheduled'
      check (status in ('scheduled', 'adjourned', 'cancelled', 'held')),
    outcome text,
    outcome_notes text,
    adjourned_to uuid references hearings(id),
    stage text,
    transition_id bigint references claim_transitions(id),
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint hearings_time_and_instant check ((starts_at_local is null) = (starts_at is null)),
    constraint hearings_outcome_when_held check (status = 'held' or (outcome is null and outcome_notes is null)),
    constraint hearings_adjourned_link check (adjourned_to is null or status = 'adjourned')
  )`.execute(db);
  await sql`create index hearings_claim on hearings (claim_id, scheduled_on)`.execute(db);
  await sql`create index hearings_scheduled on hearings (scheduled_on, claim_id) where status = 'scheduled'`.execute(
    db,
  );

  await sql`create table hearing_events (
    id bigserial primary key,
    hearing_id uuid not null references hearings(id),
    action text not null check (action in ('scheduled', 'rescheduled', 'adjourned', 'cancelled', 'held')),
    reason text,
    details jsonb not null default '{}'::jsonb,
    recorded_by uuid references users(id),
    by_system boolean not null default false,
    recorded_at timestamptz not null default now(),
    constraint hearing_events_by check (by_system or recorded_by is not null)
  )`.execute(db);
  await sql`create index hearing_events_hearing on hearing_events (hearing_id, id)`.execute(db);
  await sql`create trigger hearing_events_append_only before update or delete on hearing_events
    for each row execute function redress_append_only()`.execute(db);

  await sql`create table calendar_feeds (
    user_id uuid primary key references users(id),
    token_hash text not null unique,
    created_at timestamptz not null default now()
  )`.execute(db);

  // Each move that carried a hearing date becomes a hearing of that stage. One whose stage ended
  // before its date (the claim moved on first) was cancelled by that move; any other keeps
  // 'scheduled': whether it was held, and how, was never recorded.
  await sql`
    with moves as (
      select t.id, t.claim_id, t.to_status, t.hearing_on, t.recorded_by, t.recorded_at,
             c.jurisdiction, c.forum,
             lead(t.to_status) over w as next_status,
             lead(t.occurred_on) over w as next_on,
             lead(t.recorded_at) over w as next_at
        from claim_transitions t join claims c on c.id = t.claim_id
      window w as (partition by t.claim_id order by t.id)
    ), made as (
      insert into hearings (claim_id, kind, scheduled_on, time_zone, forum, status, stage,
                            transition_id, created_by, created_at, updated_at)
      select claim_id,
             case when to_status in ('conciliation', 'hearing', 'trial', 'appeal') then to_status else 'other' end,
             hearing_on,
             case jurisdiction
               when 'TH' then 'Asia/Bangkok' when 'MM' then 'Asia/Yangon' when 'KH' then 'Asia/Phnom_Penh'
               when 'LA' then 'Asia/Vientiane' when 'VN' then 'Asia/Ho_Chi_Minh' when 'MY' then 'Asia/Kuala_Lumpur'
               when 'SG' then 'Asia/Singapore' when 'PH' then 'Asia/Manila' when 'ID' then 'Asia/Jakarta'
               else 'UTC' end,
             forum,
             case when next_on is not null and next_on < hearing_on then 'cancelled' else 'scheduled' end,
             to_status, id, recorded_by, recorded_at, coalesce(next_at, recorded_at)
        from moves where hearing_on is not null
      returning id, transition_id, status
    ), scheduled as (
      insert into hearing_events (hearing_id, action, details, recorded_by, by_system, recorded_at)
      select m.id, 'scheduled', jsonb_build_object('date', to_char(t.hearing_on, 'YYYY-MM-DD'), 'transitionId', t.id::text),
             t.recorded_by, t.recorded_by is null, t.recorded_at
        from made m join claim_transitions t on t.id = m.transition_id
      returning id
    )
    insert into hearing_events (hearing_id, action, reason, details, by_system, recorded_at)
    select m.id, 'cancelled',
           'The claim moved from ' || mv.to_status || ' to ' || mv.next_status || ' on '
             || to_char(mv.next_on, 'YYYY-MM-DD') || ', before the hearing.',
           jsonb_build_object('claimMovedTo', mv.next_status),
           true, mv.next_at
      from made m join moves mv on mv.id = m.transition_id
     where m.status = 'cancelled'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists calendar_feeds`.execute(db);
  await sql`drop table if exists hearing_events`.execute(db);
  await sql`drop table if exists hearings`.execute(db);
}
