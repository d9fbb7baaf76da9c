import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Ids of the staff users the domain references (`web.users`, owned by server-kas): notes' authors, documents'
 * uploaders. A system user (`admin`, `rest`, `scheduler`, domain.md §2.20) that does not exist yet is created without
 * a password, so it cannot log in.
 */
export class SystemUsers extends Effect.Service<SystemUsers>()("@kas/core/SystemUsers", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      /** The id of a user by username, creating a password-less system user when missing. */
      idOf: Effect.fn("SystemUsers.idOf")(function* (username: string) {
        const rows = yield* sql<{ id: number }>`
          with ins as (
            insert into web.users (username, is_active) values (${username}, ${username !== "scheduler"})
            on conflict (username) do nothing returning id
          )
          select id from ins union all select id from web.users where username = ${username}`
        return rows[0]!.id
      }),
      /** The id of an existing user, or null. */
      find: Effect.fn("SystemUsers.find")(function* (username: string) {
        const rows = yield* sql<{ id: number }>`select id from web.users where username = ${username}`
        return rows[0]?.id ?? null
      })
    }
  })
}) {}
