import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * A job that handed its slot back to wait for others (`JobContext.resumeAfter`, deferred with `depends_on` after it
 * had started) keeps its first `started_at` when it is claimed again, so its run time covers the whole wait. Every
 * other claim sets it as before. Only the `started_at` line differs from migration 0004's `jobs.claim`.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create or replace function jobs.claim(text[], integer, text, integer, uuid[])
    returns table (id uuid, type text, arguments jsonb, claim_token uuid, attempts integer, max_attempts integer,
      created_by text)
    language plpgsql volatile
    set enable_bitmapscan = off
    set enable_sort = off
    set enable_seqscan = off
  as $$
  #variable_conflict use_column
  begin
    return query
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
        started_at = case when cardinality(j.depends_on) > 0 then coalesce(j.started_at, now()) else now() end,
        heartbeat_at = now(), lease_expires_at = now() + $4 * interval '1 millisecond',
        progress = 0, ended_at = null
    from next
    where j.id = next.id
    returning j.id, j.type, j.arguments, j.claim_token, j.attempts, j.max_attempts, j.created_by;
  end
  $$`
})
