import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The claim as a function whose plan does not depend on the table's statistics.
 *
 * As a plain statement the planner chose by its estimate of queued rows: right after a bulk insert (no statistics
 * yet, or statistics from when nearly every row was finished) it expected one queued row and planned a bitmap scan of
 * every queued row followed by a sort, for each claim: 50 ms per claim with 20 000 queued jobs, so throughput fell as
 * the queue grew. Inside this function bitmap scans, sorts and sequential scans are disabled, which leaves the ordered
 * scan of `job_queued_idx` that stops after `n` rows whatever the estimates say.
 *
 * Arguments: job types, most rows, worker id, lease in ms, and (or null) the only jobs (and their children) to claim.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create function jobs.claim(text[], integer, text, integer, uuid[])
    returns table (id uuid, type text, arguments jsonb, claim_token uuid, attempts integer, max_attempts integer,
      created_by text)
    language sql volatile
    set enable_bitmapscan = off
    set enable_sort = off
    set enable_seqscan = off
  as $$
    with next as (
      select q.id from jobs.job q
      where q.status = 'queued' and q.run_at <= now() and q.type = any($1)
        and ($5 is null or q.id = any($5) or q.parent_id = any($5))
      order by q.run_at, q.created_at
      limit $2
      for update skip locked
    )
    update jobs.job j
    set status = 'running', claim_token = gen_random_uuid(), worker_id = $3, attempts = j.attempts + 1,
        started_at = now(), heartbeat_at = now(), lease_expires_at = now() + $4 * interval '1 millisecond',
        progress = 0, ended_at = null
    from next
    where j.id = next.id
    returning j.id, j.type, j.arguments, j.claim_token, j.attempts, j.max_attempts, j.created_by
  $$`
})
