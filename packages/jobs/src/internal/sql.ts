/**
 * The SQL of the job runtime, one statement per operation (after graphile-worker: the job row is the truth).
 * Every write to a running job names its claim token: a worker that lost the claim writes nothing.
 * Batched statements take parallel arrays and `unnest` them, so one round trip serves many jobs.
 */

/** The columns of a job record. */
export const recordColumns = `id, type, title, arguments, status, progress, current_count, total_count, result,
  failure, created_by, parent_id, depends_on, attempts, max_attempts, run_at, created_at, started_at, ended_at,
  heartbeat_at, worker_id`

/**
 * A worker's round trip (`jobs.cycle`, migration 0004): writes the results $1–$6 (ids, claim tokens, statuses
 * finished/failed, or queued again after $6 ms for a retry; results, failures), only where the token still matches,
 * then claims up to $8 runnable jobs of the types $7 for worker $9 with a lease of $10 ms, a fresh token per job (with
 * $11, only those jobs and their children). Empty arrays write nothing, $8 = 0 claims nothing. Rows: first the
 * results written (`claimed` false; `has_dependants` tells whether deferred jobs wait for one), then the jobs claimed
 * (`claimed` true). One round trip and one commit per batch; PL/pgSQL keeps the plans per connection.
 */
export const cycle = `select * from jobs.cycle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

/** Extends the leases of the jobs ($1 ids, $2 tokens) by $3 ms; returns the ids still held. */
export const heartbeat = `
update jobs.job j
set heartbeat_at = now(), lease_expires_at = now() + $3 * interval '1 millisecond'
from unnest($1::uuid[], $2::uuid[]) as c(id, token)
where j.id = c.id and j.claim_token = c.token
returning j.id`

/** Writes the latest progress of several jobs (null counts keep the stored ones); returns the ids still held. */
export const progress = `
update jobs.job j
set progress = c.progress, current_count = coalesce(c.done, j.current_count),
  total_count = coalesce(c.total, j.total_count)
from unnest($1::uuid[], $2::uuid[], $3::int[], $4::bigint[], $5::bigint[]) as c(id, token, progress, done, total)
where j.id = c.id and j.claim_token = c.token
returning j.id`

/**
 * Hands the running job $1 (token $2) back to wait for the jobs $3 (`JobContext.resumeAfter`): deferred on them, its
 * claim ended, the attempt not counted, its latest progress $4–$6 written (null keeps the stored value). The claim
 * keeps its `started_at` when it is queued again (migration 0005). Returns nothing when the claim was already gone.
 */
export const deferUntil = `
update jobs.job
set status = 'deferred', depends_on = $3::uuid[], claim_token = null, lease_expires_at = null,
    attempts = greatest(attempts - 1, 0), progress = coalesce($4, progress),
    current_count = coalesce($5, current_count), total_count = coalesce($6, total_count)
where id = $1 and claim_token = $2
returning id`

/** Sets the title of a running job (token required). */
export const setTitle = `update jobs.job set title = $3 where id = $1 and claim_token = $2 returning id`

/**
 * Recovers running jobs whose lease expired (or, with $2, every running job of worker $2 from a previous life of
 * this worker): queued again with backoff while attempts remain, else failed with the cause $1.
 */
export const recoverExpired = `
update jobs.job j
set status = case when j.attempts < j.max_attempts then 'queued' else 'failed' end,
    run_at = case when j.attempts < j.max_attempts
      then now() + least(power(2, j.attempts), 3600) * interval '1 second' else j.run_at end,
    ended_at = case when j.attempts < j.max_attempts then null else now() end,
    failure = $1 || E'\\n(worker ' || coalesce(j.worker_id, '?') || ', last heartbeat '
      || coalesce(to_char(j.heartbeat_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '-') || ')',
    claim_token = null, lease_expires_at = null
where j.status = 'running' and (j.lease_expires_at < now() or j.worker_id = $2)
returning j.id, j.status, j.parent_id`

/** Puts running jobs ($1 ids, $2 tokens) back in the queue untouched (graceful shutdown after the grace period). */
export const release = `
update jobs.job j
set status = 'queued', claim_token = null, worker_id = null, lease_expires_at = null, heartbeat_at = null,
    started_at = null, attempts = j.attempts - 1, progress = 0, run_at = now()
from unnest($1::uuid[], $2::uuid[]) as c(id, token)
where j.id = c.id and j.claim_token = c.token
returning j.id`

/**
 * Resolves deferred jobs in one statement: those waiting for a failed or cancelled job fail (naming it), those whose
 * dependencies all finished are queued. Run until `failed` is 0 to follow chains.
 */
export const resolveDeferred = `
with doomed as (
  select distinct on (j.id) j.id, d.id as cause_id, coalesce(d.title, d.type) as cause_label
  from jobs.job j join jobs.job d on d.id = any(j.depends_on)
  where j.status = 'deferred' and d.status in ('failed', 'cancelled')
  order by j.id, d.id
), failed as (
  update jobs.job j
  set status = 'failed', ended_at = now(),
      failure = 'Afhængigt job ' || doomed.cause_id || ' (' || doomed.cause_label || ') fejlede'
  from doomed where j.id = doomed.id
  returning j.id, j.parent_id
), ready as (
  update jobs.job j set status = 'queued', run_at = now()
  where j.status = 'deferred' and j.id not in (select id from doomed)
    and not exists (select 1 from jobs.job d where d.id = any(j.depends_on) and d.status <> 'finished')
  returning j.id
)
select (select count(*) from ready)::int as ready, coalesce((select array_agg(id) from failed), '{}') as failed_ids,
  case when exists (select 1 from ready) then pg_notify('jobs_wake', 'ready') end as notified`

/** Fails the parents of the failed jobs $1 with the child's failure and result; returns the parents failed now. */
export const failParents = `
update jobs.job p
set status = 'failed', failure = c.failure, result = c.result, ended_at = coalesce(p.ended_at, now()),
    claim_token = null, lease_expires_at = null
from jobs.job c
where c.id = any($1::uuid[]) and p.id = c.parent_id and p.status not in ('failed', 'cancelled')
returning p.id`

/** Cancels job $1 and its unfinished descendants; a running one loses its claim (its worker interrupts it). */
export const cancel = `
with recursive tree as (
  select id from jobs.job where id = $1
  union
  select c.id from jobs.job c join tree t on c.parent_id = t.id
), cancelled as (
  update jobs.job j
  set status = 'cancelled', ended_at = now(), claim_token = null, lease_expires_at = null,
      failure = case when j.failure = '' then $2 else j.failure end
  from tree where j.id = tree.id and j.status in ('queued', 'deferred', 'running')
  returning j.id, j.status
)
select array_agg(id) as ids, pg_notify('jobs_cancel', coalesce(string_agg(id::text, ','), '')) as notified
from cancelled`

/** Inserts one job. The status is computed from its dependencies by the caller ($7). */
export const insert = `
insert into jobs.job (type, title, arguments, created_by, parent_id, depends_on, status, max_attempts)
values ($1, $2, $3::jsonb, $4, $5, $6::uuid[], $7, $8)
returning id, status`

/** Inserts a child of the running job $5, only while its token $9 is held. */
export const insertChild = `
insert into jobs.job (type, title, arguments, created_by, parent_id, depends_on, status, max_attempts)
select $1, $2, $3::jsonb, $4, $5, $6::uuid[], $7, $8
where exists (select 1 from jobs.job where id = $5 and claim_token = $9)
returning id, status`

/** Inserts many jobs of one type with the same creator ($1 type, $2 arguments[], $3 creator, $4 attempts). */
export const insertMany = `
insert into jobs.job (type, arguments, created_by, max_attempts)
select $1, a, $3, $4 from unnest($2::jsonb[]) as a
returning id`

/** The jobs among $1 and their statuses (the dependencies of a new job). */
export const statuses = `select id, status from jobs.job where id = any($1::uuid[])`

/** One job record by id ($1). */
export const record = `select ${recordColumns} from jobs.job where id = $1`

/** The job records of the ids $1 (any order). */
export const records = `select ${recordColumns} from jobs.job where id = any($1::uuid[])`

/** A page of $1 top-level jobs, newest first. */
export const topLevel = `
select ${recordColumns} from jobs.job where parent_id is null order by created_at desc, id desc limit $1`

/** A page of $3 top-level jobs created before the job ($1 created at, $2 id), newest first. */
export const topLevelBefore = `
select ${recordColumns} from jobs.job where parent_id is null and (created_at, id) < ($1, $2)
order by created_at desc, id desc limit $3`

/** The children of job $1, oldest first. */
export const children = `select ${recordColumns} from jobs.job where parent_id = $1 order by created_at, id`

/** The jobs of type $1 not yet ended whose arguments contain the JSON object $2, oldest first. */
export const unfinishedOfType = `select ${recordColumns} from jobs.job
where type = $1 and arguments @> $2::jsonb and status in ('queued', 'deferred', 'running')
order by created_at, id`

/** Whether any job of type $1 was ever enqueued. */
export const hasJobOfType = `select exists (select 1 from jobs.job where type = $1) as found`

/** Of the jobs $1, those with a child not yet ended. */
export const withActiveChildren = `
select distinct parent_id from jobs.job
where parent_id = any($1::uuid[]) and status in ('queued', 'deferred', 'running')`

/**
 * Claims the tick (schedule $1, fire time $2) for this scheduler: a row is returned only to the one scheduler whose
 * insert made it, so a tick runs once however many schedulers there are.
 */
export const claimTick = `
insert into jobs.schedule_run (schedule, fire_time) values ($1, $2) on conflict do nothing returning schedule`

/** Records the job $3 enqueued by the tick (schedule $1, fire time $2). */
export const linkTick = `update jobs.schedule_run set job_id = $3 where schedule = $1 and fire_time = $2`
