import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { Browser, createStaffUser, type KasWeb, startKasWeb } from "../support.js"

/**
 * "KAS administration" (staff-web.md §18, domain.md §9) over HTTP: the admin index, the users (list, create with
 * groups, edit; a non-superuser changes only `is_active` and groups; never deleted) and the user-change log.
 */

let web: KasWeb
let admin: Browser // superuser
let administrator: Browser // the administrator group: user.view/add/change, not a superuser
let clerk: Browser // Sagsbehandler: none of the admin permissions

beforeAll(async () => {
  web = await startKasWeb()
  admin = await new Browser(web.url).login("admin")
  administrator = await new Browser(web.url).login("administrator")
  clerk = await new Browser(web.url).login("sagsbehandler")
}, 120_000)
afterAll(() => web?.stop())

const sql = <R extends Record<string, unknown>>(text: string, values: ReadonlyArray<unknown> = []) =>
  query<R>(web.databaseUrl, text, values)
const userId = async (username: string) =>
  (await sql<{ id: number }>("select id from web.users where username = $1", [username]))[0]?.id
const userRow = async (username: string) =>
  (
    await sql<{ username: string; is_active: boolean; is_superuser: boolean; groups: Array<string>; hash: string }>(
      `select u.username, u.is_active, u.is_superuser, u.password_hash as hash,
        array(select g.name from web.user_groups ug join web.groups g on g.id = ug.group_id where ug.user_id = u.id
              order by g.name) as groups
       from web.users u where u.username = $1`,
      [username]
    )
  )[0]
const counts = async () =>
  (
    await sql<{ users: number; changes: number; memberships: number }>(
      `select (select count(*)::int from web.users) as users, (select count(*)::int from web.user_changes) as changes,
        (select count(*)::int from web.user_groups) as memberships`
    )
  )[0]!

const newUser = (username: string, groups: ReadonlyArray<string>, password = "hemmelig123") => ({
  username,
  password,
  password2: password,
  groups
})

describe("access", () => {
  it("anonymous → login, without permission → 403, with it → 200", async () => {
    const karl = await userId("sagsbehandler")
    const pages = ["/admin/", "/admin/users/", "/admin/users/add/", "/admin/users/log/", `/admin/users/${karl}/`]
    for (const path of pages) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status, path).toBe(302)
      expect(anon.headers.get("location")).toBe(`/accounts/login/?next=${encodeURIComponent(path)}`)
      expect((await clerk.get(path)).status, path).toBe(403)
      expect((await administrator.get(path)).status, path).toBe(200)
      expect((await admin.get(path)).status, path).toBe(200)
    }
    const before = await counts()
    expect((await clerk.post("/admin/users/add/", newUser("sneaky", ["administrator"]), { from: "/" })).status).toBe(
      403
    )
    expect((await clerk.post(`/admin/users/${karl}/`, { is_active: "on" }, { from: "/" })).status).toBe(403)
    expect(await counts()).toEqual(before)
  })

  it("the index shows the sections the user may open; the Admin link is in the bar", async () => {
    const html = await (await administrator.get("/admin/")).text()
    expect(html).toContain("KAS administration")
    for (const href of ["/admin/users/", "/admin/users/add/", "/admin/users/log/", "/admin/taxyears/"])
      expect(html).toContain(`href="${href}"`)
    expect(html).toContain('href="/admin/">Admin</a>')
    expect(await (await clerk.get("/")).text()).not.toContain('href="/admin/"')
  })

  it("the user list shows every user with groups and status; users cannot be deleted", async () => {
    const html = await (await administrator.get("/admin/users/")).text()
    expect(html).toContain("Brugere")
    for (const name of ["admin", "administrator", "sagsbehandler", "rest", "scheduler"])
      expect(html).toContain(`>${name}</a>`)
    const row = html.slice(html.indexOf(`id="user-row-${await userId("sagsbehandler")}"`))
    expect(row.slice(0, row.indexOf("</tr>"))).toContain("Sagsbehandler")
    expect(html).not.toMatch(/>Slet</)
    const id = await userId("sagsbehandler")
    const token = await admin.csrf(`/admin/users/${id}/`)
    const del = await admin.request(`/admin/users/${id}/`, { method: "DELETE", headers: { "X-CSRFToken": token } })
    expect(del.status).toBe(405)
    expect(await userId("sagsbehandler")).toBe(id)
  })
})

describe("creating users", () => {
  it("creates a user with password and groups, logs it; the user logs in with the group's rights", async () => {
    const res = await administrator.post("/admin/users/add/", newUser("karen", ["Sagsbehandler", "Regnskab"]))
    expect(res.status).toBe(302)
    const id = await userId("karen")
    expect(res.headers.get("location")).toBe(`/admin/users/${id}/`)
    const page = await (await administrator.get(`/admin/users/${id}/`)).text()
    expect(page).toContain("Brugeren karen er oprettet")
    const row = await userRow("karen")
    expect(row).toMatchObject({ is_active: true, is_superuser: false, groups: ["Regnskab", "Sagsbehandler"] })
    expect(row!.hash).not.toContain("hemmelig123")
    const [log] = await sql<{ by: string; old_values: unknown; new_values: Record<string, unknown> }>(
      `select b.username as by, c.old_values, c.new_values from web.user_changes c
       join web.users b on b.id = c.changed_by_id where c.user_id = $1`,
      [id]
    )
    expect(log).toEqual({
      by: "administrator",
      old_values: null,
      new_values: {
        username: "karen",
        is_active: true,
        is_superuser: false,
        groups: ["Sagsbehandler", "Regnskab"],
        password_changed: true
      }
    })
    expect(JSON.stringify(log)).not.toContain("hemmelig123")
    const karen = await new Browser(web.url).login("karen", "hemmelig123")
    expect((await karen.get("/")).status).toBe(200)
    expect((await karen.get("/admin/")).status).toBe(403)
  })

  it("each invalid input shows its Danish message and creates nothing", async () => {
    const cases: ReadonlyArray<readonly [Record<string, string | ReadonlyArray<string>>, string]> = [
      [newUser("", ["Sagsbehandler"]), "Brugernavn skal udfyldes"],
      [newUser("karl jensen", []), "Brugernavn må højst have 150 tegn og kun indeholde bogstaver, tal og tegnene"],
      [newUser("x".repeat(151), []), "Brugernavn må højst have 150 tegn"],
      [newUser("karl", [], "kort"), "Adgangskoden skal være mindst 8 tegn"],
      [newUser("karl", [], ""), "Adgangskode skal udfyldes"],
      [{ ...newUser("karl", []), password2: "noget-andet" }, "De to adgangskoder er ikke ens"],
      [newUser("karl", ["Hackere"]), "Vælg grupperne fra listen"],
      [newUser("admin", []), "Der findes allerede en bruger med dette brugernavn"],
      [{ ...newUser("karl", []), is_superuser: "on" }, "Kun en superbruger kan ændre brugernavn, adgangskode og"]
    ]
    const before = await counts()
    for (const [fields, message] of cases) {
      const res = await administrator.post("/admin/users/add/", fields)
      expect(res.status, message).toBe(400)
      expect(await res.text(), message).toContain(message)
    }
    expect(await counts()).toEqual(before)
    expect(await userId("karl")).toBeUndefined()
  })

  it("a superuser may create a superuser", async () => {
    expect((await admin.post("/admin/users/add/", { ...newUser("chefen", []), is_superuser: "on" })).status).toBe(302)
    expect((await userRow("chefen"))!.is_superuser).toBe(true)
  })
})

describe("editing users", () => {
  it("an administrator (not a superuser) changes active and groups: logged, and the user's sessions end", async () => {
    await administrator.post("/admin/users/add/", newUser("lone", ["Borgerservice"]))
    const id = (await userId("lone"))!
    const lone = await new Browser(web.url).login("lone", "hemmelig123")
    expect((await lone.get("/")).status).toBe(200)
    const form = await (await administrator.get(`/admin/users/${id}/`)).text()
    // The form offers only what this editor may change.
    expect(form).toContain('name="is_active"')
    expect(form).toContain('name="groups"')
    expect(form).not.toContain('name="username"')
    expect(form).not.toContain('name="password"')
    expect(form).not.toContain('name="is_superuser"')

    const res = await administrator.post(`/admin/users/${id}/`, { groups: ["Skatteråd"] })
    expect(res.status).toBe(302)
    expect(await userRow("lone")).toMatchObject({ is_active: false, groups: ["Skatteråd"], username: "lone" })
    const [log] = await sql<{ old_values: Record<string, unknown>; new_values: Record<string, unknown> }>(
      "select old_values, new_values from web.user_changes where user_id = $1 order by id desc limit 1",
      [id]
    )
    expect(log!.old_values).toMatchObject({ is_active: true, groups: ["Borgerservice"] })
    expect(log!.new_values).toEqual({ username: "lone", is_active: false, is_superuser: false, groups: ["Skatteråd"] })
    // Deactivated: the open session ends and logging in is refused.
    expect((await lone.get("/")).status).toBe(302)
    const again = await new Browser(web.url).post("/accounts/login/", { username: "lone", password: "hemmelig123" })
    expect(await again.text()).toContain("Ugyldigt brugernavn eller adgangskode")
    // The edit page lists the change.
    const page = await (await administrator.get(`/admin/users/${id}/`)).text()
    expect(page).toContain("Brugeren lone er opdateret")
    expect(page).toContain("Aktiv: Ja → Nej")
    expect(page).toContain("Grupper: Borgerservice → Skatteråd")
  })

  it("a change without an author (kas create-user) shows 'System' as its author in the log", async () => {
    const id = (await userId("regnskab"))!
    await sql(
      `insert into web.user_changes (changed_by_id, user_id, old_values, new_values)
       values (null, $1, null, '{"username":"regnskab","is_active":true,"is_superuser":false,"groups":["Regnskab"]}')`,
      [id]
    )
    const page = await (await administrator.get(`/admin/users/log/?user=${id}`)).text()
    expect(page).toMatch(/<td>[^<]+<\/td><td>System<\/td>/)
  })

  it("a non-superuser's change of anything else, of a superuser, or of their own activity is refused", async () => {
    await admin.post("/admin/users/add/", newUser("mads", ["Regnskab"]))
    const id = (await userId("mads"))!
    const adminId = (await userId("admin"))!
    const selfId = (await userId("administrator"))!
    const before = await counts()
    const refused: ReadonlyArray<readonly [number, Record<string, string | ReadonlyArray<string>>, string]> = [
      [id, { username: "mads2", is_active: "on", groups: ["Regnskab"] }, "Kun en superbruger kan ændre brugernavn"],
      [id, { password: "nyt-kodeord", password2: "nyt-kodeord", is_active: "on" }, "Kun en superbruger kan ændre"],
      [id, { is_superuser: "on", is_active: "on", groups: ["Regnskab"] }, "Kun en superbruger kan ændre brugernavn"],
      [adminId, { groups: [] }, "Kun en superbruger kan ændre en superbruger"],
      [selfId, { groups: ["administrator"] }, "Du kan ikke deaktivere din egen bruger"]
    ]
    for (const [target, fields, message] of refused) {
      const res = await administrator.post(`/admin/users/${target}/`, fields)
      expect(res.status, message).toBe(400)
      expect(await res.text(), message).toContain(message)
    }
    expect(await counts()).toEqual(before)
    expect(await userRow("mads")).toMatchObject({ username: "mads", is_superuser: false, is_active: true })
    await new Browser(web.url).login("mads", "hemmelig123")
  })

  it("a superuser changes name, password and superuser flag; the log says the password changed", async () => {
    await admin.post("/admin/users/add/", newUser("nina", ["Borgerservice"]))
    const id = (await userId("nina"))!
    const form = await (await admin.get(`/admin/users/${id}/`)).text()
    expect(form).toContain('name="username"')
    expect(form).toContain('name="is_superuser"')
    const res = await admin.post(`/admin/users/${id}/`, {
      username: "nina.k",
      password: "andet-kodeord",
      password2: "andet-kodeord",
      is_active: "on",
      groups: ["Borgerservice"]
    })
    expect(res.status).toBe(302)
    expect(await userRow("nina.k")).toMatchObject({ is_active: true, groups: ["Borgerservice"] })
    await new Browser(web.url).login("nina.k", "andet-kodeord")
    const bad = await admin.post(`/admin/users/${id}/`, { username: "admin", is_active: "on" })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain("Der findes allerede en bruger med dette brugernavn")
    const short = await admin.post(`/admin/users/${id}/`, { username: "nina.k", password: "x", password2: "x" })
    expect(await short.text()).toContain("Adgangskoden skal være mindst 8 tegn")
    // An empty password keeps the old one; a save without changes writes no log entry.
    const logged = (await counts()).changes
    await admin.post(`/admin/users/${id}/`, { username: "nina.k", is_active: "on", groups: ["Borgerservice"] })
    expect((await counts()).changes).toBe(logged)
    await new Browser(web.url).login("nina.k", "andet-kodeord")

    const log = await (await admin.get(`/admin/users/log/?user=${id}`)).text()
    expect(log).toContain("Ændringslog for nina.k")
    expect(log).toContain("Brugernavn: nina → nina.k")
    expect(log).toContain("Adgangskode: ændret")
    expect(log).not.toContain("andet-kodeord")
    const all = await (await admin.get("/admin/users/log/")).text()
    expect(all).toContain("Ændringslog for brugere")
    expect(all).toContain(">nina.k</a>")
    expect(all).toContain(">lone</a>")
    expect((await admin.get("/admin/users/999999/")).status).toBe(404)
    expect((await admin.get("/admin/users/log/?user=999999")).status).toBe(404)
  })

  it("a user with user.view only sees the form read-only", async () => {
    await createStaffUser(web, "viewer", ["Regnskab"])
    await sql("insert into web.groups (name) values ('Kun læse') on conflict do nothing")
    const groupId = (await sql<{ id: number }>("select id from web.groups where name = 'Kun læse'"))[0]!.id
    await sql("insert into web.group_permissions (group_id, permission) values ($1, 'user.view')", [groupId])
    await sql("insert into web.user_groups (user_id, group_id) values ($1, $2)", [await userId("viewer"), groupId])
    const viewer = await new Browser(web.url).login("viewer")
    const id = (await userId("sagsbehandler"))!
    const page = await viewer.get(`/admin/users/${id}/`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).not.toContain('id="save"')
    expect(html).toContain('id="f-is_active" name="is_active" value="on" checked disabled')
    expect((await viewer.post(`/admin/users/${id}/`, { groups: [] }, { from: `/admin/users/${id}/` })).status).toBe(403)
    expect((await viewer.get("/admin/users/add/")).status).toBe(403)
  })
})
