import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * A worker's round trip as PL/pgSQL functions, whose statements' plans PostgreSQL keeps per connection (plain
 * statements and SQL functions were parsed and planned on every call: most of the database's time per batch).
 *
 * `jobs.claim` keeps its arguments, result and plan settings (migration 0003) and becomes PL/pgSQL.
 *
 * `jobs.cycle` writes a batch of results, then claims jobs for the free slots. Arguments: the results as parallel
 * arrays (ids, claim tokens, statuses, results, failures, retry delays in ms; empty arrays to write none), then the
 * claim's (job types, most rows (0 to claim none), worker id, lease in ms, and, or null, the only jobs and their
 * children to claim). Only rows whose token still matches are written; a retried job is queued with a delay, so
 * the claim cannot take a job completed here. Returns one row per result written (`claimed` false: id, status,
 * parent_id, has_dependants) and then one per job claimed (`claimed` true: id, type, arguments, claim_token,
 * attempts, max_attempts, created_by).
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
        started_at = now(), heartbeat_at = now(), lease_expires_at = now() + $4 * interval '1 millisecond',
        progress = 0, ended_at = null
    from next
    where j.id = next.id
    returning j.id, j.type, j.arguments, j.claim_token, j.attempts, j.max_attempts, j.created_by;
  end
  $$`
  yield* sql`create function jobs.cycle(
      ids uuid[], tokens uuid[], statuses text[], results jsonb[], failures text[], delays integer[],
      types text[], n integer, worker text, lease integer, only_ids uuid[])
    returns table (claimed boolean, id uuid, status text, parent_id uuid, has_dependants boolean, type text,
      arguments jsonb, claim_token uuid, attempts integer, max_attempts integer, created_by text)
    language plpgsql volatile
  as $$
  #variable_conflict use_column
  begin
    if cardinality(ids) > 0 then
      return query
      update jobs.job j
      set status = c.status,
          result = coalesce(c.result, j.result),
          failure = coalesce(c.failure, j.failure),
          progress = case when c.status = 'finished' then 100 else j.progress end,
          current_count = case when c.status = 'finished' then coalesce(j.total_count, j.current_count)
            else j.current_count end,
          ended_at = case when c.status = 'queued' then null else now() end,
          run_at = case when c.status = 'queued' then now() + c.delay * interval '1 millisecond' else j.run_at end,
          claim_token = null, lease_expires_at = null
      from unnest(ids, tokens, statuses, results, failures, delays) as c(id, token, status, result, failure, delay)
      where j.id = c.id and j.claim_token = c.token
      returning false, j.id, j.status, j.parent_id,
        exists (select 1 from jobs.job d where d.status = 'deferred' and d.depends_on @> array[j.id]),
        null::text, null::jsonb, null::uuid, null::integer, null::integer, null::text;
    end if;
    if n > 0 then
      return query
      select true, c.id, 'running'::text, null::uuid, false, c.type, c.arguments, c.claim_token, c.attempts,
        c.max_attempts, c.created_by
      from jobs.claim(types, n, worker, lease, only_ids) c;
    end if;
  end
  $$`
})
