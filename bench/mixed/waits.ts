/**
 * Where PostgreSQL's backends of one database spend the measured load: `pg_stat_activity` sampled every 100 ms (active
 * backends by wait event: CPU, locks, I/O, client reads), plus the checkpoints and autovacuum runs of the server.
 */
import pg from "pg"

/** Starts sampling the backends of `database`; `stop` ends it and returns the summary lines. */
export const sampleWaits = async (adminUrl: string, database: string) => {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  const counts = new Map<string, number>()
  let samples = 0
  let autovacuum = 0
  const checkpoints = async () =>
    Number(
      (await client.query<{ n: string }>("select (num_timed + num_requested)::text as n from pg_stat_checkpointer"))
        .rows[0]?.n ?? 0
    )
  const checkpoints0 = await checkpoints()
  let busy = false
  const timer = setInterval(async () => {
    if (busy) return
    busy = true
    try {
      const rows = (
        await client.query<{ what: string; n: number }>(
          `select case when backend_type = 'autovacuum worker' then 'autovacuum'
             else coalesce(wait_event_type || ':' || wait_event, 'CPU') end as what, count(*)::int as n
           from pg_stat_activity
           where (datname = $1 and state = 'active' and pid <> pg_backend_pid())
             or backend_type = 'autovacuum worker'
           group by 1`,
          [database]
        )
      ).rows
      samples++
      for (const r of rows) {
        if (r.what === "autovacuum") autovacuum++
        else counts.set(r.what, (counts.get(r.what) ?? 0) + r.n)
      }
    } catch {
      // a sample lost to a busy server changes little
    } finally {
      busy = false
    }
  }, 100)
  return {
    stop: async (): Promise<string> => {
      clearInterval(timer)
      const checkpointsDone = (await checkpoints()) - checkpoints0
      await client.end()
      const top = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([what, n]) => `${what} ${(n / Math.max(1, samples)).toFixed(2)}`)
        .join(", ")
      return (
        `PostgreSQL backends of the loaded copy, on average active (by wait event): ${top}; ` +
        `checkpoints ${checkpointsDone}; autovacuum running in ${autovacuum} of ${samples} samples`
      )
    }
  }
}
