import type { Middleware } from "koa"
import { createHash, randomBytes } from "node:crypto"

/** The data kept in a session (JSON). */
export type SessionData = Record<string, unknown>

/** Where sessions live: a table `(id text pk, data jsonb, expires_at timestamptz)`; see `sessionTableSql`. */
export interface SessionStore {
  readonly load: (id: string) => Promise<SessionData | undefined>
  readonly save: (id: string, data: SessionData, expiresAt: Date) => Promise<void>
  readonly destroy: (id: string) => Promise<void>
}

/** The session of the current request. */
export interface Session {
  readonly data: SessionData
  /** Marks the session to be written at the end of the request. */
  changed(): void
  /** A new id and empty data (at login, so a fixated id is useless). */
  regenerate(): void
  /** Deletes the session and its cookie. */
  destroy(): void
}

declare module "koa" {
  interface ExtendableContext {
    session: Session
  }
}

/** The DDL of a session table (for a server's migrations). */
export const sessionTableSql = (table: string) => `create table if not exists ${table} (
  id text primary key,
  data jsonb not null,
  expires_at timestamptz not null
);
create index if not exists ${table.replace(/\W/g, "_")}_expires on ${table} (expires_at)`

/** Hash of the cookie value: the database never holds a usable session id. */
const key = (token: string) => createHash("sha256").update(token).digest("hex")

/**
 * Cookie sessions stored server-side with an idle timeout: every request pushes the expiry forward.
 * Cookies are HttpOnly, SameSite=Lax, and Secure outside development.
 */
export const sessions =
  (options: {
    readonly store: SessionStore
    readonly cookieName: string
    readonly idleSeconds: number
    readonly secure: boolean
  }): Middleware =>
  async (ctx, next) => {
    const token = ctx.cookies.get(options.cookieName)
    let data: SessionData | undefined = token ? await options.store.load(key(token)) : undefined
    let id = data && token ? token : undefined
    let dirty = false
    let destroyed = false
    const state = { data: data ?? {} }
    ctx.session = {
      get data() {
        return state.data
      },
      changed: () => {
        dirty = true
      },
      regenerate: () => {
        if (id) void options.store.destroy(key(id))
        id = undefined
        state.data = {}
        dirty = true
      },
      destroy: () => {
        destroyed = true
      }
    }
    await next()
    const expires = new Date(Date.now() + options.idleSeconds * 1000)
    const cookie = { httpOnly: true, sameSite: "lax" as const, secure: options.secure, overwrite: true, path: "/" }
    if (destroyed) {
      if (id) await options.store.destroy(key(id))
      ctx.cookies.set(options.cookieName, "", { ...cookie, maxAge: 0 })
      return
    }
    // The idle expiry is pushed forward at most once a minute, not written on every request.
    const lastExpiry = typeof state.data._exp === "number" ? state.data._exp : 0
    const stale = expires.getTime() - lastExpiry > 60_000
    if (dirty || (id === undefined && Object.keys(state.data).length > 0)) {
      id ??= randomBytes(32).toString("base64url")
      state.data._exp = expires.getTime()
      await options.store.save(key(id), state.data, expires)
      ctx.cookies.set(options.cookieName, id, cookie)
    } else if (id && stale) {
      state.data._exp = expires.getTime()
      await options.store.save(key(id), state.data, expires)
    }
    data = undefined
  }
