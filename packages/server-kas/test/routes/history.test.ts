import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { Browser, createStaffUser, type KasWeb, startKasWeb } from "../support.js"

/**
 * The history pages (staff-web.md §10) over HTTP: the person-year's and the policy's changes with who, when, the
 * reason and a readable diff, and the read-only person-year and policy as they were at a version.
 */

let web: KasWeb
let fx: StaffFixture
let clerk: Browser

const versions = (entity: string, id: number) =>
  query<{ history_id: string; change_reason: string | null }>(
    web.databaseUrl,
    `select h.history_id::text, change_reason from kas.history h where entity_type = $1 and entity_id = $2
     order by h.history_id`,
    [entity, String(id)]
  )
const flat = async (res: Response) => (await res.text()).replace(/\s+/g, " ")

beforeAll(async () => {
  web = await startKasWeb()
  fx = await seedStaff(web.databaseUrl)
  clerk = await new Browser(web.url).login("sagsbehandler")
  // A staff edit, a note on the person-year, a note on the policy and a final statement that was sent.
  const edit = await clerk.post(`/change/editamounts/${fx.anna.policy}/`, {
    prefilled_amount_edited: "10000",
    assessed_amount: "8000",
    slutlignet: "on"
  })
  expect(edit.status).toBe(302)
  expect(
    (await clerk.post(`/person/${fx.anna.pty}/add/notes-attachments/`, { note: "Ringede til borgeren" })).status
  ).toBe(302)
  expect(
    (
      await clerk.post(`/policy/${fx.anna.policy}/add/notes-attachments/`, {
        note: "Aftale med selskabet",
        next_processing_date: `${YEAR + 1}-05-01`
      })
    ).status
  ).toBe(302)
  const [lock] = await query<{ id: number }>(
    web.databaseUrl,
    `insert into kas.lock (tax_year_id, interval_from) values ($1, '2022-01-01')
     on conflict (tax_year_id) where interval_to is null do update set interval_from = kas.lock.interval_from
     returning id`,
    [fx.taxYear]
  )
  const [file] = await query<{ id: string }>(
    web.databaseUrl,
    `insert into kas.file (kind, folder, name, content_type, size, content)
     values ('final_statement', 'final_statement', 's.pdf', 'application/pdf', 1, 'x') returning id`
  )
  await query(
    web.databaseUrl,
    `insert into kas.final_statement (person_tax_year_id, lock_id, pdf_file_id, created_at, send_at)
     values ($1, $2, $3, now() + interval '1 hour', now() + interval '2 hours')`,
    [fx.anna.pty, lock!.id, file!.id]
  )
  await query(
    web.databaseUrl,
    `insert into kas.tax_slip (person_tax_year_id, file_id, created_at) values ($1, $2, now() - interval '1 day')`,
    [fx.anna.pty, file!.id]
  )
}, 120_000)
afterAll(() => web?.stop())

describe("history pages", () => {
  it("permissions: anonymous → login; persontaxyear.view / policy.view; a missing row or version is 404", async () => {
    const [ptyVersion] = await versions("PersonTaxYear", fx.anna.pty)
    const [policyVersion] = await versions("PolicyTaxYear", fx.anna.policy)
    const pages = [
      `/persontaxyear/${fx.anna.pty}/history/`,
      `/persontaxyear/history/${ptyVersion!.history_id}/`,
      `/policytaxyear/${fx.anna.policy}/history/`,
      `/policytaxyear/history/${policyVersion!.history_id}/`
    ]
    await createStaffUser(web, "ingen")
    const none = await new Browser(web.url).login("ingen")
    const council = await new Browser(web.url).login("skatteraad")
    for (const path of pages) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status).toBe(302)
      expect(anon.headers.get("location")).toContain("/accounts/login/?next=")
      expect((await none.get(path)).status).toBe(403)
      expect((await council.get(path)).status, path).toBe(200)
    }
    expect((await clerk.get("/persontaxyear/999999/history/")).status).toBe(404)
    expect((await clerk.get("/policytaxyear/999999/history/")).status).toBe(404)
    // A version of another kind is not a person-year (or policy) version.
    expect((await clerk.get(`/persontaxyear/history/${policyVersion!.history_id}/`)).status).toBe(404)
    expect((await clerk.get(`/policytaxyear/history/${ptyVersion!.history_id}/`)).status).toBe(404)
    expect((await clerk.get("/policytaxyear/history/99999999999/")).status).toBe(404)
    // The pages link to their history.
    expect(await (await clerk.get(`/tax_year/${YEAR}/persons/${fx.anna.person}/`)).text()).toContain(
      `href="/persontaxyear/${fx.anna.pty}/history/"`
    )
    expect(await (await clerk.get(`/tax_year/${YEAR}/persons/${fx.anna.person}/policies/`)).text()).toContain(
      `href="/policytaxyear/${fx.anna.policy}/history/"`
    )
  })

  it("the person-year's history: every kind, newest first, with who, the reason, field, before, after", async () => {
    const html = await flat(await clerk.get(`/persontaxyear/${fx.anna.pty}/history/`))
    // The staff edit of the policy: its reason and a readable diff.
    expect(html).toContain(
      '<td>sagsbehandler</td><td class="kas-pre">Automatisk genberegning ved rettelse af beløb</td> <td>Ændret</td>'
    )
    expect(html).toContain(
      '<th scope="row" class="fw-normal">Ansat beløb</th> ' +
        '<td class="text-body-secondary"><del></del></td><td><ins>8.000</ins></td>'
    )
    expect(html).toContain("<del>Nej</del></td><td><ins>Ja</ins>") // slutlignet
    expect(html).toContain(`href="/policytaxyear/${fx.anna.policy}/history/">Police A-1</a>`)
    // The person-year note (its content is the text) and the flag it cleared.
    expect(html).toContain('<td class="kas-pre">Ringede til borgeren</td> <td>Oprettet</td><td></td> <td>Notat')
    expect(html).toMatch(
      /Alle bilag og notater behandlet<\/th> <td class="text-body-secondary"><del>Ja<\/del><\/td><td><ins>Nej/
    )
    // The policy note is the person-year's too.
    expect(html).toContain("Aftale med selskabet")
    // Person versions, person-year versions (with a link to the version) and the final statement.
    expect(html).toContain("<td>Person</td>")
    const ptyVersion = (await versions("PersonTaxYear", fx.anna.pty)).at(-1)!
    expect(html).toContain(`href="/persontaxyear/history/${ptyVersion.history_id}/">Vis version</a>`)
    expect(html).toContain("Slutopgørelse sendt")
    expect(html).toContain("Slutopgørelse genereret")
    // The tax slip generated yesterday (not sent) comes after today's changes.
    expect(html).not.toContain("Selvangivelse sendt")
    expect(html.indexOf("Selvangivelse genereret")).toBeGreaterThan(
      html.indexOf("Automatisk genberegning ved rettelse af beløb")
    )
    // Newest first: the statement (an hour from now), then the policy note, the person note, the edit.
    const order = ["Slutopgørelse sendt", "Slutopgørelse genereret", "Aftale med selskabet", "Ringede til borgeren"]
    const positions = order.map((t) => html.indexOf(t))
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    expect(html.indexOf("Ringede til borgeren")).toBeLessThan(
      html.indexOf("Automatisk genberegning ved rettelse af beløb")
    )
  })

  it("the policy's history: its versions (linked) and notes; not another policy's", async () => {
    const html = await flat(await clerk.get(`/policytaxyear/${fx.anna.policy}/history/`))
    const policyVersions = await versions("PolicyTaxYear", fx.anna.policy)
    for (const v of policyVersions) expect(html).toContain(`href="/policytaxyear/history/${v.history_id}/"`)
    expect(html).toContain("Aftale med selskabet")
    expect(html).not.toContain("Ringede til borgeren")
    expect(html).toMatch(
      /Næste behandlingsdato<\/th> <td class="text-body-secondary"><del><\/del><\/td><td><ins>01-05-2022/
    )
    expect(await (await clerk.get(`/policytaxyear/${fx.anna.inactive}/history/`)).text()).not.toContain(
      "Aftale med selskabet"
    )
  })

  it("a policy version and a person-year version are shown read-only as they were", async () => {
    const policyVersions = await versions("PolicyTaxYear", fx.anna.policy)
    const created = policyVersions[0]
    const edited = policyVersions
      .filter((v) => v.change_reason === "Automatisk genberegning ved rettelse af beløb")
      .at(-1)
    const before = await flat(await clerk.get(`/policytaxyear/history/${created!.history_id}/`))
    expect(before).toContain("Denne side viser en tidligere version af policen fra")
    expect(before).toContain('data-field="assessed"></dd>')
    expect(before).toContain('data-field="slutlignet">Nej</dd>')
    expect(before).toContain(`href="/policytaxyear/${fx.anna.policy}/history/">Tilbage til historik oversigt</a>`)
    expect(before.slice(before.indexOf("<main"))).not.toContain("<form")
    const after = await flat(await clerk.get(`/policytaxyear/history/${edited!.history_id}/`))
    expect(after).toContain('data-field="assessed">8.000</dd>')
    expect(after).toContain('data-field="tax">1.224</dd>')

    const ptyVersions = await versions("PersonTaxYear", fx.anna.pty)
    const first = await flat(await clerk.get(`/persontaxyear/history/${ptyVersions[0]!.history_id}/`))
    expect(first).toContain("Denne side viser en tidligere version af personskatteåret fra")
    expect(first).toContain("Anna Testesen")
    expect(first).toContain('<dt class="col-sm-4">Alle bilag og notater behandlet</dt><dd class="col-sm-8">Ja</dd>')
    // Its policies as they were then: the fixture created them after the person-year.
    expect(first).toContain("Ingen policer fundet")
    expect(first).toContain("Ingen notater fundet")
    expect(first).toContain(`href="/persontaxyear/${fx.anna.pty}/history/">Tilbage til historik oversigt</a>`)
    const last = await flat(await clerk.get(`/persontaxyear/history/${ptyVersions.at(-1)!.history_id}/`))
    expect(last).toContain('<dt class="col-sm-4">Alle bilag og notater behandlet</dt><dd class="col-sm-8">Nej</dd>')
    // Then A-1 had been edited (8 000 assessed, slutlignet).
    expect(last).toMatch(/<td>A-1<\/td> <td>Ja<\/td>/)
    expect(last).toContain('<td class="text-end">8.000</td>')
    // And the person-year's note existed then, the policy's later one not yet.
    expect(last).toMatch(
      /<td class="kas-pre">Ringede til borgeren<\/td><td><\/td> <td>sagsbehandler [\d-]+ [\d:]+<\/td>/
    )
    expect(last).not.toContain("Aftale med selskabet")
    // Nor did final statements and transactions: the fixture's statement came after.
    expect(first).toContain("Ingen slutopgørelser fundet")
    expect(first).toContain("Ingen transaktioner fundet")
    expect(first).toContain("Ingen noter")
  })

  it("a person-year version shows its final statements and transactions as they were then", async () => {
    // A statement with its charge; a version (the flag set as handled); then the statement is invalidated and its
    // charge cancelled, and another version (a note clears the flag).
    const [statement] = await query<{ uuid: string }>(
      web.databaseUrl,
      `insert into kas.final_statement (person_tax_year_id, lock_id, pdf_file_id, title)
       select $1, l.id, (select id from kas.file where kind = 'final_statement' limit 1), 'Slutopgørelse for 2021'
       from kas.lock l where l.tax_year_id = $2 and l.interval_to is null returning uuid::text as uuid`,
      [fx.anna.pty, fx.taxYear]
    )
    await query(
      web.databaseUrl,
      `insert into kas.transaction (person_tax_year_id, amount, type, final_statement_uuid)
       values ($1, 1234, 'prisme10q', $2)`,
      [fx.anna.pty, statement!.uuid]
    )
    const annaPage = `/tax_year/${YEAR}/persons/${fx.anna.person}/`
    expect((await clerk.post(`/person_tax_year/${fx.anna.pty}/handled/`, {}, { from: annaPage })).status).toBe(302)
    await query(web.databaseUrl, "update kas.final_statement set invalid = true where uuid = $1", [statement!.uuid])
    await query(web.databaseUrl, "update kas.transaction set status = 'cancelled' where final_statement_uuid = $1", [
      statement!.uuid
    ])
    expect(
      (await clerk.post(`/person/${fx.anna.pty}/add/notes-attachments/`, { note: "Slutopgørelsen var forkert" })).status
    ).toBe(302)
    const [handled, noted] = (await versions("PersonTaxYear", fx.anna.pty)).slice(-2)
    const row = (html: string, start: string) => {
      const at = html.indexOf(start)
      expect(at, start).toBeGreaterThan(-1)
      return html.slice(at, html.indexOf("</tr>", at))
    }
    const then = await flat(await clerk.get(`/persontaxyear/history/${handled!.history_id}/`))
    expect(then).toContain('Alle bilag og notater behandlet</dt><dd class="col-sm-8">Ja</dd>')
    const statementThen = row(then, `<tr data-uuid="${statement!.uuid}">`)
    expect(statementThen).toContain("Slutopgørelse for 2021")
    expect(statementThen).toContain('<td class="statement-status">Genereret</td>')
    expect(then).toContain('<table class="table table-sm" id="transactions">')
    expect(then).toMatch(/<tr><td>Oprettet<\/td><td>Prisme opkrævning \/ tilbagebetaling<\/td> <td>[\d-]+ [\d:]+<\/td>/)
    expect(then).toContain('<td class="text-end">1.234</td>')
    // The page is read-only: no actions on the statements.
    expect(then).not.toContain("Markér som ugyldig")
    expect(then.slice(then.indexOf("<main"))).not.toContain("<form")

    const now = await flat(await clerk.get(`/persontaxyear/history/${noted!.history_id}/`))
    expect(row(now, `<tr data-uuid="${statement!.uuid}">`)).toContain('<td class="statement-status">Ugyldig</td>')
    expect(now).toMatch(/<tr><td>Annulleret<\/td><td>Prisme opkrævning/)
    expect(now).not.toMatch(/<tr><td>Oprettet<\/td><td>Prisme opkrævning/)
  })
})
