import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { OLD_YEAR, type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { Browser, type KasWeb, startKasWeb } from "../support.js"

/**
 * The identity and flag edits of a policy (staff-web.md §8.2, §8.3) over HTTP: "Skift pensionsselskab", "Skift
 * policenummer", "Ret borgerbetaling", the efterbehandling toggle and "Afregistrer"/"Aktivér" — access, when each is
 * offered, Danish refusals that change nothing, and saves that recalculate and write history with author and reason.
 */

let web: KasWeb
let fx: StaffFixture
let clerk: Browser

beforeAll(async () => {
  web = await startKasWeb()
  fx = await seedStaff(web.databaseUrl)
  clerk = await new Browser(web.url).login("sagsbehandler")
}, 120_000)
afterAll(() => web?.stop())

const row = async (id: number) =>
  (
    await query<Record<string, unknown>>(
      web.databaseUrl,
      `select pension_company_id as company, policy_number as number, citizen_pay_override as citizen_pays,
        efterbehandling, active, calculated_result::int as tax, year_adjusted_amount::int as adjusted
       from kas.policy_tax_year where id = $1`,
      [id]
    )
  )[0]!
const lastHistory = async (id: number) =>
  (
    await query<{ history_user: string; change_reason: string }>(
      web.databaseUrl,
      `select history_user, change_reason from kas.history where entity_type = 'PolicyTaxYear' and entity_id = $1
       order by history_id desc limit 1`,
      [String(id)]
    )
  )[0]
const policiesPage = (person: number) => `/tax_year/${YEAR}/persons/${person}/policies/`
const oldPolicy = async () =>
  (
    await query<{ id: number }>(web.databaseUrl, "select id from kas.policy_tax_year where person_tax_year_id = $1", [
      fx.anna.oldPty
    ])
  )[0]!.id
const back = (person: number, policy: number) => `${policiesPage(person)}#policy_${policy}`
const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.4\n${text}\n%%EOF\n`)

/** Posts an edit form as multipart, with its note rows and file rows (staff-web.md §7's sub-forms). */
const postRows = async (
  path: string,
  fields: Record<string, string>,
  files: ReadonlyArray<{ readonly field: string; readonly name: string; readonly content: Uint8Array }> = []
) => {
  const form = new FormData()
  form.set("csrfmiddlewaretoken", await clerk.csrf(path))
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  for (const f of files) form.append(f.field, new Blob([f.content]), f.name)
  return clerk.request(path, { method: "POST", body: form })
}
const attachmentCounts = async () =>
  (
    await query<{ notes: number; documents: number; files: number }>(
      web.databaseUrl,
      `select (select count(*)::int from kas.note) as notes,
        (select count(*)::int from kas.policy_document) as documents,
        (select count(*)::int from kas.file) as files`
    )
  )[0]!

describe("policy edits", () => {
  it("permissions: anonymous → login; without policy.change → 403; the pages and links for case workers", async () => {
    const pages = [
      `/policy/${fx.anna.policy}/company/`,
      `/policy/${fx.anna.policy}/number/`,
      `/policy/${fx.bent.policy}/paymentoverride/`,
      `/policy/${fx.anna.policy}/update_efterbehandling`
    ]
    const service = await new Browser(web.url).login("borgerservice")
    for (const path of pages) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status).toBe(302)
      expect(anon.headers.get("location")).toContain("/login/?next=")
      expect((await service.get(path)).status).toBe(403)
      expect((await clerk.get(path)).status).toBe(200)
    }
    const activate = `/policy/${fx.anna.policy}/activate/`
    expect((await service.post(activate, { active: "false" }, { from: policiesPage(fx.anna.person) })).status).toBe(403)
    expect((await new Browser(web.url).post(activate, { active: "false" }, { csrf: false })).status).toBe(403)
    expect(await row(fx.anna.policy)).toMatchObject({ active: true })
    expect(await (await service.get(policiesPage(fx.anna.person))).text()).not.toContain("/company/")

    const html = await (await clerk.get(policiesPage(fx.anna.person))).text()
    const section = (id: number) =>
      html.slice(html.indexOf(`id="policy_${id}"`), html.indexOf("</section>", html.indexOf(`id="policy_${id}"`)))
    const active = section(fx.anna.policy)
    expect(active).toContain(`href="/policy/${fx.anna.policy}/company/"`)
    expect(active).toContain(`href="/policy/${fx.anna.policy}/number/"`)
    expect(active).toContain(`href="/policy/${fx.anna.policy}/update_efterbehandling"`)
    // PFA has no agreement: no "Ret borgerbetaling".
    expect(active).not.toContain("/paymentoverride/")
    expect(active).toContain("Er du sikker på at du vil afregistrere policen for dette skatteår?")
    // The inactive policy: only "ret" of efterbehandling and "Aktivér".
    const inactive = section(fx.anna.inactive)
    expect(inactive).not.toContain("/company/")
    expect(inactive).not.toContain("/paymentoverride/")
    expect(inactive).toContain('<input type="hidden" name="active" value="true">')
    expect(inactive).toContain("Aktivér")
    for (const path of [
      `/policy/${fx.anna.inactive}/company/`,
      `/policy/${fx.anna.inactive}/number/`,
      `/policy/${fx.anna.inactive}/paymentoverride/`,
      `/policy/${fx.anna.policy}/paymentoverride/`,
      "/policy/999999/company/"
    ]) {
      expect((await clerk.get(path)).status).toBe(404)
    }
  })

  it("Ret borgerbetaling: the citizen pays, efterbehandling, recalculated, history with the reason", async () => {
    const path = `/policy/${fx.bent.policy}/paymentoverride/`
    const form = await (await clerk.get(path)).text()
    expect(form).toContain('<strong id="paid-by">Pensionsselskab</strong>')
    expect(form).toContain("Borgeren betaler selvom der foreligger aftale med pensionsselskab")
    const res = await clerk.post(path, { citizen_pay_override: "on" })
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe(back(fx.bent.person, fx.bent.policy))
    // Bent: 20 000 over the whole year → floor(20 000 × 0.153) = 3 060, now calculated and stored.
    expect(await row(fx.bent.policy)).toMatchObject({ citizen_pays: true, efterbehandling: true, tax: 3060 })
    expect(await lastHistory(fx.bent.policy)).toEqual({
      history_user: "sagsbehandler",
      change_reason: "Genberegning ved ændring af borgerbetaling"
    })
    const page = await (await clerk.get(policiesPage(fx.bent.person))).text()
    expect(page).toContain("Pensionsselskabet har aftale med Skattestyrelsen om automatisk betaling, men borgeren skal")
  })

  it("Skift pensionsselskab: refusals in Danish change nothing; a move recalculates with the reason", async () => {
    const path = `/policy/${fx.anna.policy}/company/`
    const form = await (await clerk.get(path)).text()
    expect(form).toContain(`<option value="${fx.companyPfa}" selected>PFA Pension (19999)</option>`)
    expect(form).toContain(`<option value="${fx.companyDanica}">Danica (28888)</option>`)
    // A second PFA policy "A-2" of Anna: moving it to Danica would duplicate her (inactive) Danica "A-2".
    const [{ id: twin }] = await query<{ id: number }>(
      web.databaseUrl,
      `insert into kas.policy_tax_year (person_tax_year_id, pension_company_id, policy_number, prefilled_amount)
       values ($1, $2, 'A-2', 700) returning id`,
      [fx.anna.pty, fx.companyPfa]
    )
    const before = await row(twin!)
    for (const [company, message] of [
      [String(fx.companyDanica), "En police med disse oplysninger findes allerede"],
      ["", "Vælg et pensionsselskab"],
      ["abc", "Vælg et pensionsselskab"],
      ["999999", "Vælg et pensionsselskab"]
    ] as const) {
      const bad = await clerk.post(`/policy/${twin}/company/`, { company })
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain(message)
    }
    expect(await row(twin!)).toEqual(before)
    await query(web.databaseUrl, "delete from kas.policy_tax_year where id = $1", [twin])

    const res = await clerk.post(path, { company: String(fx.companyDanica) })
    expect(res.status).toBe(302)
    // 10 000 over 200 of 365 days = 5 479 → floor(5 479 × 0.153) = 838.
    expect(await row(fx.anna.policy)).toMatchObject({ company: fx.companyDanica, tax: 838 })
    expect(await lastHistory(fx.anna.policy)).toEqual({
      history_user: "sagsbehandler",
      change_reason: "Genberegning ved skift af pensionsselskab"
    })
    // And back, so that the policy is one identity with its 2020 year again.
    expect((await clerk.post(path, { company: String(fx.companyPfa) })).status).toBe(302)
    expect(await row(fx.anna.policy)).toMatchObject({ company: fx.companyPfa })
  })

  it("Afregistrer/Aktivér: recalculates the year and later years; deactivation empties the loss cells", async () => {
    const old = await oldPolicy()
    // "Aktivér" of the (active) 2020 year recalculates it (a 4 000 loss) and 2021, which then deducts it.
    expect(
      (await clerk.post(`/policy/${old}/activate/`, { active: "true" }, { from: policiesPage(fx.anna.person) })).status
    ).toBe(302)
    expect(await row(old)).toMatchObject({ adjusted: -4000, active: true })
    expect(await row(fx.anna.policy)).toMatchObject({ tax: 226 }) // floor((5 479 − 4 000) × 0.153)
    const cell = () =>
      query<{ value: number }>(
        web.databaseUrl,
        "select transferred_negative_payout::int as value from kas.loss_transfer where used_from_id = $1",
        [old]
      )
    expect(await cell()).toEqual([{ value: 4000 }])

    const off = await clerk.post(
      `/policy/${old}/activate/`,
      { active: "false" },
      { from: policiesPage(fx.anna.person) }
    )
    expect(off.status).toBe(302)
    expect(off.headers.get("location")).toBe(`/tax_year/${OLD_YEAR}/persons/${fx.anna.person}/policies/#policy_${old}`)
    expect(await row(old)).toMatchObject({ active: false })
    expect(await cell()).toEqual([{ value: 0 }])
    expect(await row(fx.anna.policy)).toMatchObject({ tax: 838 })
    for (const id of [old, fx.anna.policy]) {
      expect(await lastHistory(id)).toEqual({
        history_user: "sagsbehandler",
        change_reason: "Genberegning ved afregistrering/aktivering"
      })
    }
    const bad = await clerk.post(
      `/policy/${old}/activate/`,
      { active: "maybe" },
      { from: policiesPage(fx.anna.person) }
    )
    expect(bad.status).toBe(400)
    expect(
      (await clerk.post(`/policy/${old}/activate/`, { active: "true" }, { from: policiesPage(fx.anna.person) })).status
    ).toBe(302)
    expect(await row(old)).toMatchObject({ active: true })
  })

  it("Skift policenummer: the rule's messages; a taken number changes nothing; renames other years too", async () => {
    const path = `/policy/${fx.anna.policy}/number/`
    const old = await oldPolicy()
    const before = [await row(fx.anna.policy), await row(old)]
    for (const [number, message] of [
      ["  ", "Policenummer skal udfyldes"],
      ["x".repeat(41), "Policenummeret må højst være 40 tegn"],
      ["A-2", "Policenummeret er allerede brugt af en anden police"]
    ] as const) {
      const bad = await clerk.post(path, { policy_number: number, rename_other_years: "on" })
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain(message)
    }
    expect([await row(fx.anna.policy), await row(old)]).toEqual(before)

    const res = await clerk.post(path, { policy_number: " A-1-ny ", rename_other_years: "on" })
    expect(res.status).toBe(302)
    expect(await row(fx.anna.policy)).toMatchObject({ number: "A-1-ny" })
    expect(await row(old)).toMatchObject({ number: "A-1-ny" })
    for (const id of [old, fx.anna.policy]) {
      expect(await lastHistory(id)).toEqual({
        history_user: "sagsbehandler",
        change_reason: "Genberegning ved skift af policenummer"
      })
    }
    // Without the checkbox only this year is renamed.
    expect((await clerk.post(path, { policy_number: "A-1" })).status).toBe(302)
    expect(await row(fx.anna.policy)).toMatchObject({ number: "A-1" })
    expect(await row(old)).toMatchObject({ number: "A-1-ny" })
  })

  it("the note and file rows: several saved with the edit; any bad row → its message and nothing written", async () => {
    const path = `/policy/${fx.anna.policy}/update_efterbehandling`
    const page = await (await clerk.get(path)).text()
    // One note row and one file row, the rows' <template>s for the script, and two empty extra rows without it.
    for (const name of ["note-0-content", "file-0-file", "file-0-description", "note-__index__-content"]) {
      expect(page).toContain(`name="${name}"`)
    }
    expect(page).toMatch(/<noscript>[\s\S]*name="file-2-description"[\s\S]*<\/noscript>/)
    expect(page).toContain('<label class="form-label" for="f-file-0-description">Beskrivelse af fil 1</label>')
    expect(page).toMatch(/<script src="\/static\/formset\.js" nonce="[^"]+" defer>/)
    const script = await clerk.get("/static/formset.js")
    expect([script.status, script.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"])

    await query(web.databaseUrl, "update kas.policy_tax_year set efterbehandling = false where id = $1", [
      fx.anna.policy
    ])
    const before = await attachmentCounts()
    const policyBefore = await row(fx.anna.policy)
    // Rows 0, 1 and 3 (a removed row 2 leaves a gap); row 1's file is not an allowed type.
    const fields = {
      efterbehandling: "on",
      "note-0-content": "Første notat",
      "note-2-content": "Andet notat",
      "file-0-description": "Kontoudtog",
      "file-1-description": "Program",
      "file-3-description": "Brev"
    }
    const good = [
      { field: "file-0-file", name: "udtog.pdf", content: pdf("1") },
      { field: "file-3-file", name: "brev.txt", content: new TextEncoder().encode("Kære Skattestyrelsen") }
    ]
    const bad = await postRows(path, fields, [
      ...good,
      { field: "file-1-file", name: "virus.pdf", content: new Uint8Array([0x4d, 0x5a]) }
    ])
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toMatch(/id="e-file-1-file">virus\.pdf: Filtypen er ikke tilladt</)
    // The rows come back renumbered, with their texts; an acceptable file must be chosen again.
    expect(html).toMatch(/name="note-0-content"\s+rows="3">Første notat</)
    expect(html).toMatch(/name="note-1-content"\s+rows="3">Andet notat</)
    expect(html).toContain('name="file-2-description" value="Brev"')
    expect(html).toContain('id="c-file-0-file">Vælg filen udtog.pdf igen</div>')
    expect(await attachmentCounts()).toEqual(before)
    expect(await row(fx.anna.policy)).toEqual(policyBefore)

    // Each row's own message: a description without a file, one too long, a file over 10 MB; too many rows.
    const { "file-1-description": _, ...valid } = fields
    for (const [extra, extraFiles, message] of [
      [{ "file-5-description": "Uden fil" }, [], 'id="e-file-2-file">Vælg en fil til beskrivelsen<'],
      [
        { "file-5-description": "x".repeat(256) },
        [{ field: "file-5-file", name: "lang.pdf", content: pdf("2") }],
        'id="e-file-2-description">Beskrivelsen må højst være 255 tegn<'
      ],
      [
        {},
        [{ field: "file-5-file", name: "stor.pdf", content: new Uint8Array(10 * 1024 * 1024 + 1) }],
        'id="e-file-2-file">stor.pdf: Filen er for stor (højst 10 MB)<'
      ],
      [
        Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`note-${10 + i}-content`, `Notat ${i}`])),
        [],
        "Højst 20 notater ad gangen"
      ]
    ] as const) {
      const res = await postRows(path, { ...valid, ...extra }, [...good, ...extraFiles])
      expect(res.status).toBe(400)
      expect(await res.text()).toContain(message)
    }
    // More files than the form takes (20): refused with the limit, none of them saved (past the limit they were
    // dropped without a word, and a row without a description vanished).
    const many = Array.from({ length: 21 }, (_, i) => ({
      field: `file-${10 + i}-file`,
      name: `f${i}.pdf`,
      content: pdf("m")
    }))
    const tooMany = await postRows(path, valid, many)
    expect(tooMany.status).toBe(413)
    expect(await tooMany.text()).toContain("Højst 20 filer ad gangen")
    expect(await attachmentCounts()).toEqual(before)
    expect(await row(fx.anna.policy)).toEqual(policyBefore)

    // Without the bad row: the edit, two notes and two files, each with its own description, in one save.
    const ok = await postRows(path, valid, good)
    expect(ok.status).toBe(302)
    expect(ok.headers.get("location")).toBe(back(fx.anna.person, fx.anna.policy))
    expect(await attachmentCounts()).toEqual({
      notes: before.notes + 2,
      documents: before.documents + 2,
      files: before.files + 2
    })
    expect(await row(fx.anna.policy)).toMatchObject({ efterbehandling: true })
    const notes = await query<{ content: string; pty: number; policy: number; author: string }>(
      web.databaseUrl,
      `select n.content, n.person_tax_year_id as pty, n.policy_tax_year_id as policy, u.username as author
       from kas.note n join web.users u on u.id = n.author_id order by n.id desc limit 2`
    )
    expect(notes.reverse()).toEqual([
      { content: "Første notat", pty: fx.anna.pty, policy: fx.anna.policy, author: "sagsbehandler" },
      { content: "Andet notat", pty: fx.anna.pty, policy: fx.anna.policy, author: "sagsbehandler" }
    ])
    const documents = await query<{ name: string; description: string; policy: number; type: string }>(
      web.databaseUrl,
      `select d.name, d.description, d.policy_tax_year_id as policy, f.content_type as type
       from kas.policy_document d join kas.file f on f.id = d.file_id order by d.id desc limit 2`
    )
    expect(documents.reverse()).toEqual([
      { name: "udtog.pdf", description: "Kontoudtog", policy: fx.anna.policy, type: "application/pdf" },
      { name: "brev.txt", description: "Brev", policy: fx.anna.policy, type: "text/plain; charset=utf-8" }
    ])
  })

  it("the efterbehandling toggle: allowed on an inactive policy, history without recalculation", async () => {
    const path = `/policy/${fx.anna.inactive}/update_efterbehandling`
    expect(await (await clerk.get(path)).text()).toContain("Kræver efterbehandling")
    const before = await row(fx.anna.inactive)
    const res = await clerk.post(path, { efterbehandling: "on" })
    expect(res.status).toBe(302)
    expect(await row(fx.anna.inactive)).toEqual({ ...before, efterbehandling: true })
    expect(await lastHistory(fx.anna.inactive)).toEqual({
      history_user: "sagsbehandler",
      change_reason: "Kræver efterbehandling ændret"
    })
    expect((await clerk.post(path, {})).status).toBe(302)
    expect(await row(fx.anna.inactive)).toMatchObject({ efterbehandling: false })
  })
})
