import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { StaffUsers } from "../../src/auth/StaffUsers.js"
import { UserAdmin } from "../../src/auth/UserAdmin.js"
import { query } from "../restFixtures.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"

// The start-up seeding (configuration.md §6) writes the user-change log of issue 15 like the admin pages do: each
// user it creates or changes has an entry by the system (no editor); a start that changes nothing logs nothing.

let web: KasWeb
beforeAll(async () => {
  web = await startKasWeb()
}, 120_000)
afterAll(() => web?.stop())

const changes = () =>
  query<{ username: string; by: number | null; old_values: unknown; new_values: Record<string, unknown> }>(
    web.databaseUrl,
    `select u.username, c.changed_by_id as by, c.old_values, c.new_values
     from web.user_changes c join web.users u on u.id = c.user_id order by c.id`
  )
const seed = (adminPassword: string) =>
  web.runtime.runPromise(
    Effect.flatMap(StaffUsers, (u) =>
      u.seed({ development: true, adminPassword: Option.some(adminPassword), restToken: "x".repeat(40) })
    )
  )

describe("StaffUsers.seed and the user-change log", () => {
  it("logs every user the development seeding created, by the system; a second start logs nothing", async () => {
    const seeded = await changes()
    expect(seeded.map((c) => c.username).sort()).toEqual(
      ["admin", "administrator", "borgerservice", "regnskab", "rest", "sagsbehandler", "scheduler", "skatteraad"].sort()
    )
    expect(seeded.every((c) => c.by === null && c.old_values === null)).toBe(true)
    expect(seeded.find((c) => c.username === "sagsbehandler")!.new_values).toEqual({
      username: "sagsbehandler",
      is_active: true,
      is_superuser: false,
      groups: ["Sagsbehandler"],
      password_changed: true
    })
    expect(seeded.find((c) => c.username === "admin")!.new_values).toMatchObject({ is_superuser: true, groups: [] })
    expect(seeded.find((c) => c.username === "scheduler")!.new_values).toEqual({
      username: "scheduler",
      is_active: false,
      is_superuser: false,
      groups: []
    })

    // Another start with the same ADMIN_PASSWORD changes nothing: no entry, and the passwords still work.
    await seed("admin")
    expect(await changes()).toEqual(seeded)
    await new Browser(web.url).login("regnskab")

    // A new ADMIN_PASSWORD is a password change of each development user, logged with its values before.
    await seed("nyt-kodeord")
    const after = await changes()
    expect(after).toHaveLength(seeded.length + 6)
    expect(after.at(-1)).toEqual({
      username: "skatteraad",
      by: null,
      old_values: { username: "skatteraad", is_active: true, is_superuser: false, groups: ["Skatteråd"] },
      new_values: {
        username: "skatteraad",
        is_active: true,
        is_superuser: false,
        groups: ["Skatteråd"],
        password_changed: true
      }
    })
    // The admin pages' log lists them (the same service writes and reads it).
    const page = await web.runtime.runPromise(
      Effect.flatMap(UserAdmin, (a) => a.changes({}, { offset: 0, limit: 100 }))
    )
    expect(page.total).toBe(after.length)
    await new Browser(web.url).login("regnskab", "nyt-kodeord")
    await seed("admin")
  })
})

// Every page loads its user through `loadForRequest` (a prepared statement on the plain pool, no Effect run): the same
// answer as `load`, and a user deactivated or deleted is logged out at their next request.
describe("StaffUsers.loadForRequest", () => {
  it("answers as load does: permissions, a superuser, an inactive or unknown user", async () => {
    const ids = await query<{ id: number; username: string }>(web.databaseUrl, "select id, username from web.users")
    const id = (username: string) => ids.find((u) => u.username === username)!.id
    const both = (userId: number) =>
      web.runtime.runPromise(
        Effect.flatMap(StaffUsers, (u) => Effect.all([u.load(userId), Effect.promise(() => u.loadForRequest(userId))]))
      )
    for (const userId of [id("sagsbehandler"), id("admin"), id("scheduler"), 999_999]) {
      const [viaEffect, viaPromise] = await both(userId)
      expect(viaPromise).toEqual(viaEffect)
    }
    const [, clerk] = await both(id("sagsbehandler"))
    expect(Option.getOrThrow(clerk).permissions.has("persontaxyear.view")).toBe(true)
    expect(Option.isNone((await both(id("scheduler")))[1])).toBe(true)

    const browser = await new Browser(web.url).login("borgerservice")
    expect((await browser.get("/")).status).toBe(200)
    await query(web.databaseUrl, "update web.users set is_active = false where username = 'borgerservice'")
    const after = await browser.get("/")
    expect(after.status).toBe(302)
    expect(after.headers.get("location")).toMatch(/^\/accounts\/login\//)
    await query(web.databaseUrl, "update web.users set is_active = true where username = 'borgerservice'")
  })
})
