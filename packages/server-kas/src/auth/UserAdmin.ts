import { SqlClient } from "@effect/sql"
import { Data, Effect } from "effect"
import { NotFound } from "@kas/core"
import { hashPassword, verifyPassword } from "./Password.js"
import { GROUPS, type GroupName } from "./Permissions.js"
import type { StaffUser } from "./StaffUsers.js"
import { changeProblem, createProblem, userMessages, type UserValues } from "./UserRules.js"

/** A user as the admin pages show it. */
export interface UserRecord extends UserValues {
  readonly id: number
  readonly created_at: Date
  readonly last_login: Date | null
}

/** A user's values as the change log stores them (plus `password_changed` when a password was set). */
export type LoggedValues = UserValues & { readonly password_changed?: true }

/** One entry of the user-change log (who changed which user when, old and new values). */
export interface UserChange {
  readonly id: number
  readonly changed_at: Date
  readonly changed_by: string | null
  readonly user_id: number
  readonly username: string
  readonly old_values: LoggedValues | null
  readonly new_values: LoggedValues
}

/** The administration refused a change (a rule of UserRules); `field` names the form field, when one. */
export class UserAdminRefused extends Data.TaggedError("UserAdminRefused")<{
  readonly field: "username" | "password" | "groups" | null
  readonly message: string
}> {}

type Row = {
  id: number
  username: string
  is_active: boolean
  is_superuser: boolean
  groups: ReadonlyArray<string> | null
  created_at: Date
  last_login: Date | null
}

const toRecord = (r: Row): UserRecord => ({
  id: r.id,
  username: r.username,
  is_active: r.is_active,
  is_superuser: r.is_superuser,
  groups: GROUPS.filter((g) => (r.groups ?? []).includes(g)),
  created_at: r.created_at,
  last_login: r.last_login
})

const valuesOf = (u: UserValues): UserValues => ({
  username: u.username,
  is_active: u.is_active,
  is_superuser: u.is_superuser,
  groups: [...u.groups]
})

/**
 * The user administration of staff-web.md §18 (schema `web`): list, create and edit users (never delete them), with
 * every change written to the user-change log in the same transaction.
 */
export class UserAdmin extends Effect.Service<UserAdmin>()("@kas/server-kas/UserAdmin", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const select = sql`select u.id, u.username, u.is_active, u.is_superuser, u.created_at, u.last_login,
        array(select g.name from web.user_groups ug join web.groups g on g.id = ug.group_id
              where ug.user_id = u.id order by g.name) as groups
      from web.users u`

    const get = Effect.fn("UserAdmin.get")(function* (id: number) {
      const [row] = yield* sql<Row>`${select} where u.id = ${id}`
      return row ? toRecord(row) : yield* Effect.fail(NotFound.of("Bruger", id))
    })

    const setGroups = (userId: number, groups: ReadonlyArray<GroupName>) =>
      Effect.gen(function* () {
        yield* sql`delete from web.user_groups where user_id = ${userId}`
        if (groups.length === 0) return
        yield* sql`insert into web.user_groups (user_id, group_id)
          select ${userId}, id from web.groups where name = any(${[...groups]}::text[])`
      })

    /** Logs a change of `userId`; `editor` null = the system (`kas create-user`, the start-up seeding). */
    const log = (editor: StaffUser | null, userId: number, before: LoggedValues | null, after: LoggedValues) =>
      sql`insert into web.user_changes (changed_by_id, user_id, old_values, new_values)
        values (${editor?.id ?? null}, ${userId}, ${before === null ? null : JSON.stringify(before)}::jsonb,
          ${JSON.stringify(after)}::jsonb)`

    const usernameTaken = (username: string, exceptId: number) =>
      sql<{ id: number }>`select id from web.users where username = ${username} and id <> ${exceptId}`.pipe(
        Effect.map((rows) => rows.length > 0)
      )

    return {
      /** A page of users ordered by user name, and how many there are. */
      list: Effect.fn("UserAdmin.list")(function* (page: { readonly offset: number; readonly limit: number }) {
        const rows = yield* sql<Row>`${select} order by u.username limit ${page.limit} offset ${page.offset}`
        const [count] = yield* sql<{ n: number }>`select count(*)::int as n from web.users`
        return { rows: rows.map(toRecord), total: count?.n ?? 0 }
      }),
      get,
      /** Creates a user with a password and groups; refused when the name is taken or `editor` may not. */
      create: Effect.fn("UserAdmin.create")(function* (
        input: UserValues & { readonly password: string },
        editor: StaffUser
      ) {
        const values = valuesOf(input)
        const problem = createProblem(editor, values)
        if (problem !== undefined) return yield* new UserAdminRefused({ field: null, message: problem })
        const hash = yield* Effect.promise(() => hashPassword(input.password))
        return yield* Effect.gen(function* () {
          const [row] = yield* sql<{ id: number }>`
            insert into web.users (username, password_hash, is_superuser, is_active)
            values (${values.username}, ${hash}, ${values.is_superuser}, ${values.is_active})
            on conflict (username) do nothing returning id`
          if (!row) return yield* new UserAdminRefused({ field: "username", message: userMessages.usernameTaken })
          yield* setGroups(row.id, values.groups)
          yield* log(editor, row.id, null, { ...values, password_changed: true })
          return row.id
        }).pipe(sql.withTransaction)
      }),
      /**
       * Edits a user (a new password when `password` is given); refused, with nothing changed, when `editor` may not
       * make the change (UserRules.changeProblem) or the new name is taken. A change that changes nothing is not
       * logged.
       */
      update: Effect.fn("UserAdmin.update")(function* (
        id: number,
        input: UserValues & { readonly password: string | null },
        editor: StaffUser
      ) {
        const hash = input.password === null ? null : yield* Effect.promise(() => hashPassword(input.password!))
        return yield* Effect.gen(function* () {
          yield* sql`select id from web.users where id = ${id} for update`
          const before = yield* get(id)
          const after = valuesOf(input)
          const problem = changeProblem(editor, id, before, after, hash !== null)
          if (problem !== undefined) return yield* new UserAdminRefused({ field: null, message: problem })
          if (after.username !== before.username && (yield* usernameTaken(after.username, id))) {
            return yield* new UserAdminRefused({ field: "username", message: userMessages.usernameTaken })
          }
          const changed = hash !== null || JSON.stringify(valuesOf(before)) !== JSON.stringify(after)
          if (!changed) return before
          yield* sql`update web.users set username = ${after.username}, is_active = ${after.is_active},
              is_superuser = ${after.is_superuser}, password_hash = coalesce(${hash}, password_hash)
            where id = ${id}`
          yield* setGroups(id, after.groups)
          yield* log(editor, id, valuesOf(before), hash === null ? after : { ...after, password_changed: true })
          return yield* get(id)
        }).pipe(sql.withTransaction)
      }),
      /**
       * Creates or updates a user outside the admin pages — `kas create-user` and the start-up seeding (no editor:
       * the system; the admin pages' rules about who may change what do not apply) — logged in the user-change log
       * like the pages' changes, in the same transaction. A password is set only when it is not the stored one
       * (null: none); a run that changes nothing logs nothing. Returns the user's id.
       */
      provision: Effect.fn("UserAdmin.provision")(function* (input: {
        readonly username: string
        readonly password: string | null
        readonly groups: ReadonlyArray<GroupName>
        readonly isSuperuser?: boolean | undefined
        readonly isActive?: boolean | undefined
        /** Only create: an existing user is left as it is (the system users `rest` and `scheduler`). */
        readonly keepExisting?: boolean | undefined
      }) {
        const after: UserValues = {
          username: input.username,
          is_active: input.isActive ?? true,
          is_superuser: input.isSuperuser ?? false,
          groups: GROUPS.filter((g) => input.groups.includes(g))
        }
        return yield* Effect.gen(function* () {
          const inserted = yield* sql<{ id: number }>`
            insert into web.users (username, password_hash, is_superuser, is_active)
            values (${after.username}, null, ${after.is_superuser}, ${after.is_active})
            on conflict (username) do nothing returning id`
          const [row] = yield* sql<{ id: number; password_hash: string | null }>`select id, password_hash
            from web.users where username = ${after.username} for update`
          const { id, password_hash: stored } = row!
          if (inserted.length === 0 && input.keepExisting) return id
          const before = inserted.length > 0 ? null : valuesOf(yield* get(id))
          const samePassword =
            input.password === null
              ? stored === null
              : stored !== null && (yield* Effect.promise(() => verifyPassword(input.password!, stored)))
          const hash = samePassword
            ? stored
            : input.password === null
              ? null
              : yield* Effect.promise(() => hashPassword(input.password!))
          if (before !== null && samePassword && JSON.stringify(before) === JSON.stringify(after)) return id
          yield* sql`update web.users set is_active = ${after.is_active}, is_superuser = ${after.is_superuser},
              password_hash = ${hash}
            where id = ${id}`
          yield* setGroups(id, after.groups)
          yield* log(null, id, before, samePassword ? after : { ...after, password_changed: true })
          return id
        }).pipe(sql.withTransaction)
      }),
      /** A page of the user-change log, newest first (of one user when `userId` is given), and its size. */
      changes: Effect.fn("UserAdmin.changes")(function* (
        filter: { readonly userId?: number | undefined },
        page: { readonly offset: number; readonly limit: number }
      ) {
        const where = filter.userId === undefined ? sql`` : sql`where c.user_id = ${filter.userId}`
        const rows = yield* sql<UserChange>`
          select c.id, c.changed_at, b.username as changed_by, c.user_id, u.username, c.old_values, c.new_values
          from web.user_changes c join web.users u on u.id = c.user_id
          left join web.users b on b.id = c.changed_by_id
          ${where} order by c.changed_at desc, c.id desc limit ${page.limit} offset ${page.offset}`
        const [count] = yield* sql<{ n: number }>`select count(*)::int as n from web.user_changes c ${where}`
        return { rows, total: count?.n ?? 0 }
      })
    } as const
  })
}) {}
