import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { PgPool } from "@kas/core/web"
import { Data, Effect, Option, Runtime } from "effect"
import { createHash, randomBytes } from "node:crypto"
import { verifyPassword } from "./Password.js"
import { ALL_PERMISSIONS, DEVELOPMENT_USERS, GROUP_PERMISSIONS, GROUPS, type GroupName } from "./Permissions.js"
import { UserAdmin } from "./UserAdmin.js"

/** A logged-in staff user with the permissions of their groups (a superuser has all). */
export interface StaffUser {
  readonly id: number
  readonly username: string
  readonly isSuperuser: boolean
  readonly permissions: ReadonlySet<string>
}

/** A user could not be created or found. */
export class StaffUserError extends Data.TaggedError("StaffUserError")<{ readonly message: string }> {}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex")

/** Staff users, groups, login and REST tokens (schema `web`). */
interface UserRow {
  readonly id: number
  readonly username: string
  readonly is_superuser: boolean
  readonly is_active: boolean
  readonly permissions: ReadonlyArray<string>
}

/** A user with the permissions of their groups. */
const LOAD_USER = `select u.id, u.username, u.is_superuser, u.is_active, array(
    select distinct gp.permission from web.user_groups ug
    join web.group_permissions gp on gp.group_id = ug.group_id where ug.user_id = u.id
  ) as permissions
  from web.users u where u.id = $1`

export class StaffUsers extends Effect.Service<StaffUsers>()("@kas/server-kas/StaffUsers", {
  dependencies: [UserAdmin.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const admin = yield* UserAdmin
    const pool = yield* Effect.serviceOption(PgPool)

    const userOf = (row: UserRow | undefined): Option.Option<StaffUser> =>
      row?.is_active
        ? Option.some<StaffUser>({
            id: row.id,
            username: row.username,
            isSuperuser: row.is_superuser,
            permissions: new Set(row.is_superuser ? ALL_PERMISSIONS : row.permissions)
          })
        : Option.none()
    const poolRows = Option.map(
      pool,
      (pg) => (id: number) =>
        pg.query<UserRow>({ name: "web_staff_user", text: LOAD_USER, values: [id] }).then((r) => r.rows)
    )

    const load = Effect.fn("StaffUsers.load")(function* (id: number) {
      // One statement: every page loads its user (the groups' permissions with it), on the plain pool as a prepared
      // statement where the process has one (kas web).
      const rows = Option.isSome(poolRows)
        ? yield* Effect.tryPromise({
            try: () => poolRows.value(id),
            catch: (cause) => new SqlError({ cause, message: "Failed to load the staff user" })
          })
        : yield* sql.unsafe<UserRow>(LOAD_USER, [id])
      return userOf(rows[0])
    })
    const run = Runtime.runPromise(yield* Effect.runtime<never>())
    /**
     * `load` as a promise, for the middleware of every page: on the plain pool straight away where the process has
     * one (an Effect run and a span per page cost more than the read).
     */
    const loadForRequest = (id: number): Promise<Option.Option<StaffUser>> =>
      Option.isSome(poolRows) ? poolRows.value(id).then((rows) => userOf(rows[0])) : run(load(id))

    /** The active user with this username and password, or none (same answer for unknown user and bad password). */
    const authenticate = Effect.fn("StaffUsers.authenticate")(function* (username: string, password: string) {
      const rows = yield* sql<{ id: number; password_hash: string | null; is_active: boolean }>`
        select id, password_hash, is_active from web.users where username = ${username}`
      const row = rows[0]
      const ok = yield* Effect.promise(() => verifyPassword(password, row?.password_hash ?? null))
      if (!row?.is_active || !ok) return Option.none<StaffUser>()
      yield* sql`update web.users set last_login = now() where id = ${row.id}`
      return yield* load(row.id)
    })

    /** Creates or updates the five groups and their permissions exactly as the spec says. */
    const ensureGroups = Effect.fn("StaffUsers.ensureGroups")(function* () {
      for (const name of GROUPS) {
        const [g] = yield* sql<{ id: number }>`
          insert into web.groups (name) values (${name})
          on conflict (name) do update set name = excluded.name returning id`
        yield* sql`delete from web.group_permissions where group_id = ${g!.id}`
        const perms = GROUP_PERMISSIONS[name]
        const rows = perms.map((permission) => ({ group_id: g!.id, permission }))
        yield* sql`insert into web.group_permissions ${sql.insert(rows)}`
      }
    })

    /**
     * Creates a user (or updates an existing one's password, groups and flags) through `UserAdmin.provision`, so that
     * the change is in the user-change log as the admin pages' are (no editor: the system).
     */
    const upsertUser = (input: {
      readonly username: string
      readonly password: string | null
      readonly groups: ReadonlyArray<GroupName>
      readonly isSuperuser?: boolean
      readonly isActive?: boolean
    }) => admin.provision(input)

    /** Stores `token` as the only API key of `username` (replacing older keys). */
    const setRestToken = Effect.fn("StaffUsers.setRestToken")(function* (username: string, token: string) {
      const [row] = yield* sql<{ id: number }>`select id from web.users where username = ${username}`
      if (!row) return yield* new StaffUserError({ message: `Unknown user ${username}` })
      yield* sql`delete from web.rest_tokens where user_id = ${row.id}`
      yield* sql`insert into web.rest_tokens (key_hash, user_id) values (${sha256(token)}, ${row.id})`
    }, sql.withTransaction)

    /** Creates an active user without password (nor groups) unless `username` exists (logged when created). */
    const ensureUser = Effect.fn("StaffUsers.ensureUser")(function* (username: string) {
      yield* admin.provision({ username, password: null, groups: [], keepExisting: true })
    })

    /** Creates a new random API key for `username` and returns it (shown once). */
    const createRestToken = Effect.fn("StaffUsers.createRestToken")(function* (username: string) {
      const token = randomBytes(20).toString("hex")
      yield* setRestToken(username, token)
      return token
    })

    /** The active user owning this API key. */
    const byRestToken = Effect.fn("StaffUsers.byRestToken")(function* (token: string) {
      const rows = yield* sql<{
        user_id: number
      }>`select user_id from web.rest_tokens where key_hash = ${sha256(token)}`
      return rows[0] ? yield* load(rows[0].user_id) : Option.none<StaffUser>()
    })

    /**
     * Start-up seeding (configuration.md §6): groups, the system users `admin`, `rest` (with REST_TOKEN) and
     * `scheduler`; in development the superuser `admin` and one user per group, all with ADMIN_PASSWORD.
     */
    const seed = Effect.fn("StaffUsers.seed")(function* (options: {
      readonly development: boolean
      readonly adminPassword: Option.Option<string>
      readonly restToken: string
    }) {
      yield* ensureGroups()
      const devPassword = options.development ? Option.getOrNull(options.adminPassword) : null
      yield* upsertUser({
        username: "admin",
        password: devPassword,
        groups: [],
        isSuperuser: devPassword !== null,
        isActive: devPassword !== null
      })
      yield* ensureUser("rest")
      yield* setRestToken("rest", options.restToken)
      yield* admin.provision({ username: "scheduler", password: null, groups: [], isActive: false, keepExisting: true })
      if (devPassword !== null) {
        for (const [username, group] of DEVELOPMENT_USERS)
          yield* upsertUser({ username, password: devPassword, groups: [group] })
      }
    }, sql.withTransaction)

    /** The usernames of some user ids (notes, documents and statements refer to users by id). */
    const usernames = Effect.fn("StaffUsers.usernames")(function* (ids: ReadonlyArray<number>) {
      if (ids.length === 0) return new Map<number, string>()
      const rows = yield* sql<{ id: number; username: string }>`select id, username from web.users
        where id = any(${[...new Set(ids)]}::int[])`
      return new Map(rows.map((r) => [r.id, r.username]))
    })

    return {
      load,
      loadForRequest,
      usernames,
      ensureUser,
      authenticate,
      ensureGroups,
      upsertUser,
      createRestToken,
      setRestToken,
      byRestToken,
      seed
    } as const
  })
}) {}
