import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { query } from "../restFixtures.js"
import { type StaffFixture, seedStaff, YEAR } from "../staffFixtures.js"
import { Browser, createStaffUser, type KasWeb, startKasWeb } from "../support.js"

/**
 * Notes and attachments (staff-web.md §7) over HTTP: the add page at person-year and policy level, the note edit
 * page and the download; permissions, the upload limits, the Danish messages, and that a refused form writes nothing.
 */

let web: KasWeb
let fx: StaffFixture
let clerk: Browser
let service: Browser

const pdf = (text = "hej") => new TextEncoder().encode(`%PDF-1.4\n${text}\n%%EOF\n`)

beforeAll(async () => {
  web = await startKasWeb()
  fx = await seedStaff(web.databaseUrl)
  clerk = await new Browser(web.url).login("sagsbehandler")
  service = await new Browser(web.url).login("borgerservice")
}, 120_000)
afterAll(() => web?.stop())

const personPage = () => `/person/${fx.anna.pty}/add/notes-attachments/`
const policyPage = () => `/policy/${fx.anna.policy}/add/notes-attachments/`

/** Posts a multipart form with the page's CSRF token. */
const postForm = async (
  browser: Browser,
  path: string,
  fields: Record<string, string>,
  file?: { readonly name: string; readonly content: Uint8Array; readonly type?: string; readonly field?: string }
) => {
  const form = new FormData()
  form.set("csrfmiddlewaretoken", await browser.csrf(path))
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  if (file)
    form.set(
      file.field ?? "file",
      new Blob([file.content], { type: file.type ?? "application/octet-stream" }),
      file.name
    )
  return browser.request(path, { method: "POST", body: form })
}

const counts = async () =>
  (
    await query<{ notes: number; documents: number; files: number; handled: boolean }>(
      web.databaseUrl,
      `select (select count(*)::int from kas.note) as notes,
        (select count(*)::int from kas.policy_document) as documents,
        (select count(*)::int from kas.file) as files,
        (select all_documents_and_notes_handled from kas.person_tax_year where id = $1) as handled`,
      [fx.anna.pty]
    )
  )[0]!
const userId = async (username: string) =>
  (await query<{ id: number }>(web.databaseUrl, "select id from web.users where username = $1", [username]))[0]!.id
const policyRow = async () =>
  (
    await query<{ slutlignet: boolean; efterbehandling: boolean; next_date: string | null }>(
      web.databaseUrl,
      `select slutlignet, efterbehandling, next_processing_date::text as next_date from kas.policy_tax_year
       where id = $1`,
      [fx.anna.policy]
    )
  )[0]!

describe("notes and attachments", () => {
  it("permissions: anonymous → login; note.add + document.add, note.change, document.view", async () => {
    const [note] = await query<{ id: number }>(
      web.databaseUrl,
      `insert into kas.note (person_tax_year_id, author_id, content) values ($1, 1, 'Første notat') returning id`,
      [fx.anna.pty]
    )
    const [file] = await query<{ id: string }>(
      web.databaseUrl,
      `insert into kas.file (kind, folder, name, content_type, size, content)
       values ('policy_document', 'policy_document', 'a.pdf', 'application/pdf', 3, 'abc') returning id`
    )
    const [doc] = await query<{ id: number }>(
      web.databaseUrl,
      `insert into kas.policy_document (person_tax_year_id, name, file_id) values ($1, 'a.pdf', $2) returning id`,
      [fx.anna.pty, file!.id]
    )
    const pages = [personPage(), policyPage(), `/note/${note!.id}/`, `/policy_document/${doc!.id}/`]
    for (const path of pages) {
      const anon = await new Browser(web.url).get(path)
      expect(anon.status).toBe(302)
      expect(anon.headers.get("location")).toContain("/accounts/login/?next=")
    }
    await createStaffUser(web, "ingen")
    const none = await new Browser(web.url).login("ingen")
    for (const path of pages) expect((await none.get(path)).status).toBe(403)
    const council = await new Browser(web.url).login("skatteraad")
    expect((await council.get(personPage())).status).toBe(403)
    expect((await council.get(`/note/${note!.id}/`)).status).toBe(403)
    expect((await council.get(`/policy_document/${doc!.id}/`)).status).toBe(200)
    // Borgerservice adds, but neither edits notes nor sets the policy's date (policy.change).
    expect((await service.get(`/note/${note!.id}/`)).status).toBe(403)
    expect((await service.post(`/note/${note!.id}/`, { content: "x" }, { from: personPage() })).status).toBe(403)
    const form = await (await service.get(policyPage())).text()
    expect(form).toContain('enctype="multipart/form-data"')
    expect(form).not.toContain('name="next_processing_date"')
    expect(await (await clerk.get(policyPage())).text()).toContain(`value="${YEAR + 1}-03-01"`)
    expect((await clerk.get("/person/999999/add/notes-attachments/")).status).toBe(404)
    expect((await clerk.get("/policy_document/999999/")).status).toBe(404)
  })

  it("person level: a note and a file are saved (the person-year is not handled); the file downloads", async () => {
    const before = await counts()
    const name = "Årsopgørelse «2021» æøå.pdf"
    const content = pdf("årsopgørelse")
    const res = await postForm(
      service,
      personPage(),
      { note: "Borger ringede\r\nom policen", description: "Kopi" },
      {
        name,
        content,
        type: "text/html"
      }
    )
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe(`/tax_year/${YEAR}/persons/${fx.anna.person}/`)
    expect(await counts()).toEqual({
      notes: before.notes + 1,
      documents: before.documents + 1,
      files: before.files + 1,
      handled: false
    })
    const id = await userId("borgerservice")
    const [note] = await query<{ content: string; author_id: number; policy_tax_year_id: number | null }>(
      web.databaseUrl,
      "select content, author_id, policy_tax_year_id from kas.note order by id desc limit 1"
    )
    expect(note).toEqual({ content: "Borger ringede\nom policen", author_id: id, policy_tax_year_id: null })
    const [doc] = await query<{ id: number; name: string; description: string; uploaded_by_id: number }>(
      web.databaseUrl,
      "select id, name, description, uploaded_by_id from kas.policy_document order by id desc limit 1"
    )
    expect(doc).toMatchObject({ name, description: "Kopi", uploaded_by_id: id })
    const history = await query<{ entity_type: string; history_user: string; history_type: string }>(
      web.databaseUrl,
      `select entity_type, history_user, history_type from kas.history
       where entity_type in ('Note', 'PolicyDocument') order by history_id desc limit 2`
    )
    expect(history.map((h) => [h.entity_type, h.history_user, h.history_type]).sort()).toEqual([
      ["Note", "borgerservice", "+"],
      ["PolicyDocument", "borgerservice", "+"]
    ])
    // The page shows the note, the file's download link and the flash.
    const page = await (await service.get(`/tax_year/${YEAR}/persons/${fx.anna.person}/`)).text()
    expect(page).toContain("Bilag og notater er gemt")
    expect(page).toContain(`href="/policy_document/${doc!.id}/"`)
    expect(page).toContain("Borger ringede\nom policen")
    // Downloaded with the stored (sniffed) type, not what the client claimed, and the name as RFC 6266 wants it.
    const download = await clerk.get(`/policy_document/${doc!.id}/`)
    expect(download.status).toBe(200)
    expect(download.headers.get("content-type")).toBe("application/pdf")
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="_rsopg_relse _2021_ ___.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`
    )
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(content)
  })

  it("refuses each bad input with its Danish message and writes nothing", async () => {
    const before = await counts()
    const cases: Array<[Record<string, string>, { name: string; content: Uint8Array } | undefined, string]> = [
      [{ note: "  " }, undefined, "Skriv et notat eller vælg en fil"],
      [
        { note: "x" },
        { name: "virus.pdf", content: new Uint8Array([0x4d, 0x5a, 0x90, 0]) },
        "Filtypen er ikke tilladt"
      ],
      [{ note: "x" }, { name: "brev.exe", content: pdf() }, "Filtypen er ikke tilladt"],
      [{ note: "x" }, { name: "tom.pdf", content: new Uint8Array() }, "Den indsendte fil er tom"],
      [
        { note: "x" },
        { name: "stor.pdf", content: new Uint8Array(10 * 1024 * 1024 + 1).fill(0x25) },
        "Filen er for stor (højst 10 MB)"
      ],
      [
        { note: "x", description: "d".repeat(256) },
        { name: "a.pdf", content: pdf() },
        "Beskrivelsen må højst være 255 tegn"
      ],
      [{ note: "x", description: "uden fil" }, undefined, "Vælg en fil til beskrivelsen"]
    ]
    for (const [fields, file, message] of cases) {
      const res = await postForm(service, personPage(), fields, file)
      expect(res.status, message).toBe(400)
      expect(await res.text()).toContain(message)
    }
    const bad = await postForm(clerk, policyPage(), { note: "x", next_processing_date: "2022-02-30" })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain("Indtast en gyldig dato")
    expect(await counts()).toEqual(before)
  })

  it("policy level: a note, a TXT and a DOCX, or only a new date, send the policy to efterbehandling", async () => {
    await query(
      web.databaseUrl,
      "update kas.person_tax_year set all_documents_and_notes_handled = true where id = $1",
      [fx.anna.pty]
    )
    await query(
      web.databaseUrl,
      "update kas.policy_tax_year set slutlignet = true, efterbehandling = false where id = $1",
      [fx.anna.policy]
    )
    const unchanged = await postForm(clerk, policyPage(), { note: "", next_processing_date: `${YEAR + 1}-03-01` })
    expect(unchanged.status).toBe(400)
    expect(await unchanged.text()).toContain("Skriv et notat, vælg en fil eller ret næste behandlingsdato")
    expect(await policyRow()).toMatchObject({ slutlignet: true, efterbehandling: false })

    const txt = new TextEncoder().encode("Aftale om betaling – æøå\n")
    const res = await postForm(
      clerk,
      policyPage(),
      { note: "Se vedhæftede", description: "Aftale", next_processing_date: `${YEAR + 1}-03-01` },
      { name: "aftale.txt", content: txt }
    )
    expect(res.status).toBe(302)
    expect(res.headers.get("location")).toBe(
      `/tax_year/${YEAR}/persons/${fx.anna.person}/policies/?tab=notater#policy_${fx.anna.policy}`
    )
    expect(await policyRow()).toEqual({ slutlignet: false, efterbehandling: true, next_date: `${YEAR + 1}-03-01` })
    // A policy's note leaves the person-year's flag alone.
    expect((await counts()).handled).toBe(true)
    const [doc] = await query<{ id: number; policy_tax_year_id: number; person_tax_year_id: number }>(
      web.databaseUrl,
      "select id, policy_tax_year_id, person_tax_year_id from kas.policy_document order by id desc limit 1"
    )
    expect(doc).toMatchObject({ policy_tax_year_id: fx.anna.policy, person_tax_year_id: fx.anna.pty })
    const download = await service.get(`/policy_document/${doc!.id}/`)
    expect(download.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    expect(await download.text()).toBe("Aftale om betaling – æøå\n")

    const docx = new TextEncoder().encode("PK\u0003\u0004....[Content_Types].xml....word/document.xml....")
    await query(
      web.databaseUrl,
      "update kas.policy_tax_year set slutlignet = true, efterbehandling = false where id = $1",
      [fx.anna.policy]
    )
    expect(
      (
        await postForm(
          clerk,
          policyPage(),
          { next_processing_date: `${YEAR + 1}-03-01` },
          { name: "b.docx", content: docx }
        )
      ).status
    ).toBe(302)
    expect(await policyRow()).toMatchObject({ slutlignet: false, efterbehandling: true })
    // Only the date.
    await query(
      web.databaseUrl,
      "update kas.policy_tax_year set slutlignet = true, efterbehandling = false where id = $1",
      [fx.anna.policy]
    )
    expect((await postForm(clerk, policyPage(), { next_processing_date: `${YEAR + 1}-06-30` })).status).toBe(302)
    expect(await policyRow()).toEqual({ slutlignet: false, efterbehandling: true, next_date: `${YEAR + 1}-06-30` })
    const [last] = await query<{ history_user: string }>(
      web.databaseUrl,
      `select history_user from kas.history where entity_type = 'PolicyTaxYear' and entity_id = $1
       order by history_id desc limit 1`,
      [String(fx.anna.policy)]
    )
    expect(last).toEqual({ history_user: "sagsbehandler" })
    // The policy's tabs list its notes and files.
    const tabs = await (await clerk.get(`/tax_year/${YEAR}/persons/${fx.anna.person}/policies/?tab=notater`)).text()
    expect(tabs).toContain('id="pane-policy-' + fx.anna.policy + '-notater" role="tabpanel"')
    expect(tabs).toMatch(new RegExp(`class="tab-pane show active" id="pane-policy-${fx.anna.policy}-notater"`))
    expect(tabs).toContain("Se vedhæftede")
    expect(tabs).toContain(">aftale.txt</a>")
  })

  it("editing a note: the text is required; the editor becomes the author", async () => {
    expect((await postForm(service, personPage(), { note: "Gammel tekst" })).status).toBe(302)
    const [note] = await query<{ id: number }>(web.databaseUrl, "select id from kas.note order by id desc limit 1")
    const path = `/note/${note!.id}/`
    const form = await (await clerk.get(path)).text()
    expect(form).toContain("Gammel tekst</textarea>")
    const empty = await clerk.post(path, { content: " " })
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain("Dette felt er påkrævet")
    const row = async () =>
      (
        await query<{ content: string; author_id: number }>(
          web.databaseUrl,
          "select content, author_id from kas.note where id = $1",
          [note!.id]
        )
      )[0]
    expect(await row()).toEqual({ content: "Gammel tekst", author_id: await userId("borgerservice") })
    const ok = await clerk.post(path, { content: "Ny tekst" })
    expect(ok.status).toBe(302)
    expect(ok.headers.get("location")).toBe(`/tax_year/${YEAR}/persons/${fx.anna.person}/`)
    expect(await row()).toEqual({ content: "Ny tekst", author_id: await userId("sagsbehandler") })
    const page = await (await clerk.get(`/tax_year/${YEAR}/persons/${fx.anna.person}/`)).text()
    expect(page).toContain(`href="/note/${note!.id}/"`)
    // "Oprettet af" is the first version's author, "Redigeret af" the editor.
    expect(page).toMatch(/Ny tekst<\/td><td><\/td><td>borgerservice [\d-]+ [\d:]+<\/td>\s*<td>sagsbehandler/)
  })

  it("the policy edit forms carry a note and files, saved with the edit in one transaction", async () => {
    await query(web.databaseUrl, "update kas.policy_tax_year set active = true where id = $1", [fx.anna.policy])
    const before = await counts()
    const amounts = `/change/editamounts/${fx.anna.policy}/`
    const form = await (await clerk.get(amounts)).text()
    expect(form).toContain('enctype="multipart/form-data"')
    expect(form).toContain('name="file-0-file"')
    expect(form).toContain('name="note-0-content"')
    // A bad file refuses the whole form: neither the amounts nor the note are saved.
    const bad = await postForm(
      clerk,
      amounts,
      { prefilled_amount_edited: "10000", assessed_amount: "7000", "note-0-content": "Med bilag" },
      { name: "virus.pdf", content: new Uint8Array([0x4d, 0x5a]), field: "file-0-file" }
    )
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain("virus.pdf: Filtypen er ikke tilladt")
    expect(await counts()).toEqual(before)
    const form2 = new FormData()
    form2.set("csrfmiddlewaretoken", await clerk.csrf(amounts))
    for (const [k, v] of Object.entries({
      prefilled_amount_edited: "10000",
      assessed_amount: "7000",
      slutlignet: "on",
      "note-0-content": "Ansat efter kontoudtog",
      "file-0-description": "Kontoudtog",
      "file-1-description": "Kontoudtog"
    }))
      form2.set(k, v)
    form2.append("file-0-file", new Blob([pdf("1")]), "udtog1.pdf")
    form2.append("file-1-file", new Blob([pdf("2")]), "udtog2.pdf")
    const ok = await clerk.request(amounts, { method: "POST", body: form2 })
    expect(ok.status).toBe(302)
    const after = await counts()
    expect([after.notes, after.documents]).toEqual([before.notes + 1, before.documents + 2])
    const docs = await query<{ name: string; description: string; policy_tax_year_id: number }>(
      web.databaseUrl,
      "select name, description, policy_tax_year_id from kas.policy_document order by id desc limit 2"
    )
    expect(docs.map((d) => [d.name, d.description, d.policy_tax_year_id]).sort()).toEqual([
      ["udtog1.pdf", "Kontoudtog", fx.anna.policy],
      ["udtog2.pdf", "Kontoudtog", fx.anna.policy]
    ])
    // The edit decides the flags (slutlignet checked), and its history keeps its reason.
    expect(await policyRow()).toMatchObject({ slutlignet: true, efterbehandling: false })
    const [reason] = await query<{ change_reason: string; history_user: string }>(
      web.databaseUrl,
      `select change_reason, history_user from kas.history where entity_type = 'PolicyTaxYear' and entity_id = $1
       order by history_id desc limit 1`,
      [String(fx.anna.policy)]
    )
    expect(reason).toEqual({
      change_reason: "Automatisk genberegning ved rettelse af beløb",
      history_user: "sagsbehandler"
    })

    // Another edit form: a refused number change saves no note either; an accepted one saves it.
    const number = `/policy/${fx.anna.policy}/number/`
    const mid = await counts()
    const taken = await postForm(clerk, number, { policy_number: "A-2", "note-0-content": "Nyt nummer" })
    expect(taken.status).toBe(400)
    const takenPage = await taken.text()
    expect(takenPage).toContain("Policenummeret er allerede brugt af en anden police")
    // The refused form keeps the typed note.
    expect(takenPage).toMatch(/name="note-0-content"\s+rows="3">Nyt nummer<\/textarea>/)
    expect(await counts()).toEqual(mid)
    expect((await postForm(clerk, number, { policy_number: "A-1b", "note-0-content": "Nyt nummer" })).status).toBe(302)
    expect((await counts()).notes).toBe(mid.notes + 1)
    await query(web.databaseUrl, "update kas.policy_tax_year set policy_number = 'A-1' where id = $1", [fx.anna.policy])
  })
})
