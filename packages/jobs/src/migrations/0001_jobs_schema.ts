import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The job store: one row per job is both the queue entry and the record staff see (design.md §6).
 * Partial indexes keep the claim and the lease scan small however many finished jobs accumulate.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create schema if not exists jobs`
  yield* sql`create table jobs.job (
    id uuid primary key default gen_random_uuid(),
    type text not null,
    title text check (length(title) <= 255),
    arguments jsonb not null default '{}',
    status text not null default 'queued'
      check (status in ('queued', 'deferred', 'running', 'finished', 'failed', 'cancelled')),
    progress smallint not null default 0 check (progress between 0 and 100),
    current_count bigint,
    total_count bigint,
    result jsonb not null default '{}',
    failure text not null default '',
    created_by text not null,
    parent_id uuid references jobs.job (id) on delete cascade,
    depends_on uuid[] not null default '{}',
    attempts integer not null default 0,
    max_attempts integer not null default 1 check (max_attempts >= 1),
    run_at timestamptz not null default now(),
    created_at timestamptz not null default now(),
    started_at timestamptz,
    ended_at timestamptz,
    heartbeat_at timestamptz,
    lease_expires_at timestamptz,
    worker_id text,
    claim_token uuid
  )`
  // The claim: oldest runnable queued job first.
  yield* sql`create index job_queued_idx on jobs.job (run_at, created_at) where status = 'queued'`
  // Lease recovery scans only running jobs.
  yield* sql`create index job_running_idx on jobs.job (lease_expires_at) where status = 'running'`
  // The job list: top-level jobs, newest first.
  yield* sql`create index job_top_level_idx on jobs.job (created_at desc, id desc) where parent_id is null`
  yield* sql`create index job_parent_idx on jobs.job (parent_id) where parent_id is not null`
  // Deferred jobs are found by the jobs they wait for.
  yield* sql`create index job_deferred_idx on jobs.job using gin (depends_on) where status = 'deferred'`
  // One row per (schedule, fire time): the first scheduler to insert it enqueues the tick.
  yield* sql`create table jobs.schedule_run (
    schedule text not null,
    fire_time timestamptz not null,
    job_id uuid references jobs.job (id) on delete set null,
    created_at timestamptz not null default now(),
    primary key (schedule, fire_time)
  )`
  // Wakes listening workers once per inserting statement (polling stays the source of truth).
  yield* sql`create function jobs.notify_inserted() returns trigger language plpgsql as $$
    begin
      perform pg_notify('jobs_wake', '');
      return null;
    end
  $$`
  yield* sql`create trigger job_inserted after insert on jobs.job
    for each statement execute function jobs.notify_inserted()`
})
