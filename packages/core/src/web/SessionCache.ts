import { randomBytes } from "node:crypto"
import pg from "pg"
import type { Pool } from "pg"
import type { SessionData, SessionStore } from "./Session.js"

/**
 * The trigger that makes a session table announce its changes (for `cachedPgPoolSessionStore`): every update or
 * delete, whoever makes it (another instance's logout, the purge, a save), notifies `channel` with the changed ids,
 * comma-separated, at most 100 per notification (a notification carries at most 8 000 bytes); a truncate notifies `*`.
 * The notifications are sent when the deleting transaction commits, as PostgreSQL does for every NOTIFY.
 */
export const sessionNotifySql = (table: string, channel: string): ReadonlyArray<string> => {
  checkName(table)
  checkName(channel)
  const fn = `${table}_notify`
  return [
    `create function ${fn}() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        perform pg_notify('${channel}', '*');
      else
        perform pg_notify('${channel}', string_agg(id, ','))
        from (select id, (row_number() over () - 1) / 100 as part from changed) c group by part;
      end if;
      return null;
    end $$`,
    `create trigger notify_update after update on ${table} referencing old table as changed
      for each statement execute function ${fn}()`,
    `create trigger notify_delete after delete on ${table} referencing old table as changed
      for each statement execute function ${fn}()`,
    `create trigger notify_truncate after truncate on ${table} for each statement execute function ${fn}()`
  ]
}

const checkName = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(name)) throw new Error(`Invalid name: ${name}`)
}

/** A session store that also says whether it is caching, and lets go of its listening connection. */
export interface CachedSessionStore extends SessionStore {
  /** Whether the store listens for changes now (only then does it answer from memory). */
  readonly listening: () => boolean
  /**
   * Resolves once every change committed before the call has reached this store (a notification of its own sent
   * after them arrived; notifications come in commit order), or at once when it is not listening (nothing cached).
   */
  readonly sync: () => Promise<void>
  /** Stops listening and empties the cache. */
  readonly close: () => Promise<void>
}

/** Tuning of the session cache. */
export interface SessionCacheOptions {
  /** The channel the table's trigger notifies (`sessionNotifySql`). */
  readonly channel: string
  /** The longest a cached session is used before it is read again (a bound should a notification never come). */
  readonly maxAgeMs?: number
  /** The most sessions kept; the oldest cached is dropped first. */
  readonly maxEntries?: number
  /** Wait before listening again after the listening connection failed. */
  readonly retryMs?: number
  /** Where problems of the listening connection are reported. */
  readonly log?: (message: string) => void
}

interface Entry {
  readonly text: string
  readonly expiresAt: number
  readonly loadedAt: number
}

/**
 * `pgPoolSessionStore` with the sessions it read kept in memory, so that a page needs no database read for its session
 * (selvbetjening, where every page reads one). Revocation still works across instances: one connection LISTENs on the
 * table's channel (`sessionNotifySql`), and each update or delete of a session, by any instance or by hand, drops it
 * here when the notification arrives (PostgreSQL delivers it when the change commits: milliseconds). Logout and every
 * save drop the session at once in the instance that makes them; expiry is checked in memory on every read. Only while
 * the connection listens is anything answered from memory: when it fails the cache is emptied and every read goes to
 * the database until it listens again. A cached session is read again after `maxAgeMs` (30 s) in any case. Each read
 * gets its own copy of the data (parsed from the cached JSON text), as from the database.
 */
export const cachedPgPoolSessionStore = (
  pool: Pool,
  table: string,
  options: SessionCacheOptions
): CachedSessionStore => {
  checkName(table)
  checkName(options.channel)
  const maxAgeMs = options.maxAgeMs ?? 30_000
  const maxEntries = options.maxEntries ?? 10_000
  const retryMs = options.retryMs ?? 2_000
  const log = options.log ?? (() => undefined)
  const statement = (name: string, text: string) => (values: Array<unknown>) =>
    pool.query({ name: `session_cached_${name}_${table}`, text, values })
  const load = statement(
    "load",
    `select data::text as data, (extract(epoch from expires_at) * 1000)::float8 as expires
      from ${table} where id = $1 and expires_at > now()`
  )
  const save = statement(
    "save",
    `insert into ${table} (id, data, expires_at) values ($1, $2::jsonb, $3)
      on conflict (id) do update set data = excluded.data, expires_at = excluded.expires_at`
  )
  const purge = statement("purge", `delete from ${table} where expires_at < now()`)
  const destroy = statement("destroy", `delete from ${table} where id = $1`)

  const entries = new Map<string, Entry>()
  // The load of an id that may fill the cache when it returns; a change of the id meanwhile takes it out.
  const pending = new Map<string, object>()
  const drop = (id: string) => {
    entries.delete(id)
    pending.delete(id)
  }
  const dropAll = () => {
    entries.clear()
    pending.clear()
  }

  // sync() calls waiting for their own notification, by its payload (never a session id: those are 64 hex digits).
  const waiting = new Map<string, () => void>()
  const release = () => {
    for (const resolve of waiting.values()) resolve()
    waiting.clear()
  }

  let listening = false
  let closed = false
  let client: pg.Client | undefined
  let retry: NodeJS.Timeout | undefined
  const listen = () => {
    if (closed) return
    const c = new pg.Client(pool.options)
    client = c
    let failed = false
    const fail = (why: string) => {
      if (failed) return
      failed = true
      listening = false
      dropAll()
      release()
      void c.end().catch(() => undefined)
      if (closed) return
      log(`session cache: listening on ${options.channel} failed (${why}); reading every session until it is back`)
      retry = setTimeout(listen, retryMs)
      retry.unref()
    }
    c.on("error", (e) => fail(e.message))
    c.on("end", () => fail("connection ended"))
    c.on("notification", (n) => {
      if (n.channel !== options.channel) return
      const payload = n.payload ?? "*"
      const synced = waiting.get(payload)
      if (synced !== undefined) {
        waiting.delete(payload)
        synced()
      } else if (payload === "*") dropAll()
      else for (const id of payload.split(",")) drop(id)
    })
    c.connect()
      .then(() => c.query(`listen ${options.channel}`))
      .then(
        () => {
          if (failed || closed) return
          // Whatever was read before this point may have changed unannounced.
          dropAll()
          listening = true
        },
        (e: unknown) => fail(e instanceof Error ? e.message : String(e))
      )
  }
  listen()

  return {
    listening: () => listening,
    load: async (id) => {
      const now = Date.now()
      const hit = entries.get(id)
      if (hit !== undefined) {
        if (listening && hit.expiresAt > now && now - hit.loadedAt < maxAgeMs)
          return JSON.parse(hit.text) as SessionData
        entries.delete(id)
      }
      const marker = {}
      if (listening) pending.set(id, marker)
      const row = (await load([id])).rows[0] as { data: string; expires: number } | undefined
      if (pending.get(id) === marker) {
        pending.delete(id)
        if (row !== undefined && listening) {
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
          entries.set(id, { text: row.data, expiresAt: row.expires, loadedAt: now })
        }
      }
      return row === undefined ? undefined : (JSON.parse(row.data) as SessionData)
    },
    save: async (id, data, expiresAt) => {
      drop(id)
      try {
        await save([id, JSON.stringify(data), expiresAt])
      } finally {
        drop(id)
      }
      if (Math.random() < 0.01) await purge([])
    },
    destroy: async (id) => {
      drop(id)
      try {
        await destroy([id])
      } finally {
        drop(id)
      }
    },
    sync: () => {
      if (!listening) return Promise.resolve()
      const token = `sync-${randomBytes(12).toString("hex")}`
      return new Promise<void>((resolve, reject) => {
        waiting.set(token, resolve)
        pool.query("select pg_notify($1, $2)", [options.channel, token]).catch((e: unknown) => {
          waiting.delete(token)
          reject(e)
        })
      })
    },
    close: async () => {
      closed = true
      listening = false
      if (retry !== undefined) clearTimeout(retry)
      dropAll()
      release()
      await client?.end().catch(() => undefined)
    }
  }
}
