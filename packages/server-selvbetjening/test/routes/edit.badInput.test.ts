import fc from "fast-check"
import net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Rest } from "@kas/core"
import { Browser, CPR_A, loginAs, PDF, query, startPortal, type Portal } from "../support.js"

// Issue 13: bad input to the citizen's self-assessment form (POST /policy/edit/, selvbetjening.md §7–§8): random
// and hostile field values, broken multipart bodies, odd and oversized uploads, a missing CSRF token. Every answer
// is a 4xx (or the redirect of an accepted form), never a 500 and never a request left unanswered, and a 4xx writes
// nothing in the back office.

let portal: Portal
let anna: Browser
let csrf: string
beforeAll(async () => {
  portal = await startPortal()
  anna = new Browser(portal.url)
  await loginAs(portal, anna, { cpr: CPR_A, name: "Anna Testesen" })
  csrf = await anna.csrf("/policy/edit/")
})
afterAll(async () => portal?.stop())

/** Everything a submission could write in the back office, in one query. */
const snapshot = async () =>
  (
    await query<{ s: string }>(
      portal.kas.databaseUrl,
      `select concat_ws('|',
        (select json_agg(p order by p.id)::text
           from (select id, self_reported_amount, policy_number from kas.policy_tax_year) p),
        (select json_agg(d order by d.id)::text from (select id, name, description from kas.policy_document) d),
        (select json_agg(f order by f.id)::text from (select id, name, content_type from kas.file) f),
        (select json_agg(t order by t.id)::text
           from (select id, general_notes, foreign_pension_notes from kas.person_tax_year) t),
        (select json_agg(c order by c.id)::text from (select id, name from kas.pension_company) c),
        (select count(*) from kas.history)) as s`
    )
  )[0]!.s

// A request the portal never answers fails here instead of stalling the suite.
const UNANSWERED_MS = 60_000
const post = (body: RequestInit["body"], headers: Record<string, string> = {}) =>
  anna.request("/policy/edit/", { method: "POST", body, headers, signal: AbortSignal.timeout(UNANSWERED_MS) })

/** What every answer must be: a clear refusal or the redirect of an accepted form; never a 5xx. */
const expectClear = async (res: Response) => {
  const page = await res.text()
  expect(res.status, page.slice(0, 500)).toBeLessThan(500)
  expect([302, 400, 403, 413]).toContain(res.status)
  if (res.status === 400 || res.status === 403 || res.status === 413) expect(page).toContain('lang="')
  return page
}

type Upload = { readonly name: string; readonly content: Uint8Array; readonly type: string }

const badForm = () => {
  const p = portal.fx.policyA
  const d = portal.fx.docA
  const known = fc.constantFrom(
    `p${p}-amount`,
    `p${p}-doc${d}-present`,
    `p${p}-doc${d}-keep`,
    `p${p}-doc${d}-description`,
    `p${p}-file0-description`,
    `p${portal.fx.policyB}-amount`,
    "new-pension_company_id",
    "new-pension_company_name",
    "new-policy_number_new",
    "new-self_reported_amount",
    "new-file0-description",
    "general_notes",
    "foreign_pension_notes"
  )
  const value = fc.oneof(
    fc.string(),
    fc.integer().map(String),
    fc.constantFrom("", " ", "12,5", "-0", "1e5", "99999999999999999999", "\u0000", "<script>x</script>", "on"),
    fc.string({ minLength: 10_001, maxLength: 10_050 })
  )
  // fc.string() also gives "__proto__", "constructor", "toString", … (they once hung the multipart parser).
  const fields = fc.dictionary(fc.oneof(known, fc.string({ maxLength: 12 })), value, { maxKeys: 6 })
  const upload: fc.Arbitrary<Upload> = fc.record({
    name: fc.oneof(fc.constantFrom("a.pdf", "b.png", "", "../../x.pdf", "x\u202e\u0000.pdf", "x.exe"), fc.string()),
    content: fc.oneof(fc.constant(PDF), fc.uint8Array({ maxLength: 64 }), fc.constant(new Uint8Array())),
    type: fc.constantFrom("application/pdf", "text/html", "")
  })
  const uploads = fc.dictionary(
    fc.oneof(fc.constantFrom(`p${p}-file0`, `p${p}-file11`, "new-file0", "new-file1", ""), fc.string({ maxLength: 8 })),
    upload,
    { maxKeys: 3 }
  )
  const token = fc.oneof(fc.constant<string | null>(csrf), fc.constant(null), fc.string({ maxLength: 40 }))
  return fc.record({ fields, uploads, token })
}

const formOf = (input: { fields: Record<string, string>; uploads: Record<string, Upload>; token: string | null }) => {
  const form = new FormData()
  if (input.token !== null) form.set("csrfmiddlewaretoken", input.token)
  for (const [k, v] of Object.entries(input.fields)) form.append(k, v)
  for (const [k, f] of Object.entries(input.uploads)) form.append(k, new Blob([f.content], { type: f.type }), f.name)
  return form
}

const B = "----kas"
const rawBodies = () => {
  const part = (name: string, value: string) =>
    `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  const multipart = `multipart/form-data; boundary=${B}`
  return fc.oneof(
    // Multipart cut off before its closing boundary, without a boundary, empty, garbage, a broken part header.
    fc.constant({ body: part("csrfmiddlewaretoken", "TOKEN"), type: multipart }),
    fc.constant({ body: `--${B}\r\nContent-Disposition: form-data; name="general_notes"\r\n\r\nx`, type: multipart }),
    fc.constant({ body: part("csrfmiddlewaretoken", "TOKEN"), type: "multipart/form-data" }),
    fc.constant({ body: "", type: multipart }),
    fc.constant({ body: `--${B}\r\nContent-Disposition: nonsense\r\n\r\nx\r\n--${B}--\r\n`, type: multipart }),
    fc.string().map((body) => ({ body, type: multipart })),
    // Urlencoded and JSON, with and without the token; text/plain.
    fc.constant({ body: "general_notes=x", type: "application/x-www-form-urlencoded" }),
    fc.constant({
      body: "csrfmiddlewaretoken=TOKEN&general_notes=%E0%A4%A",
      type: "application/x-www-form-urlencoded"
    }),
    fc.constant({ body: '{"general_notes": "x"}', type: "application/json" }),
    fc.constant({ body: '{"csrfmiddlewaretoken": "TOKEN", "general_notes": {"a": 1}}', type: "application/json" }),
    fc.constant({ body: '{"csrfmiddlewaretoken": ["TOKEN"]', type: "application/json" }),
    fc.string().map((body) => ({ body, type: "text/plain" }))
  )
}

describe("bad input to the citizen form POST /policy/edit/ (fast-check)", () => {
  it("random fields, uploads and tokens: a clear 4xx or the accepted redirect; a 4xx writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(badForm(), async (input) => {
        const before = await snapshot()
        const res = await post(formOf(input))
        await expectClear(res)
        // Without the token nothing is accepted (a body the parser refuses is a 400 before the CSRF check).
        if (input.token !== csrf) expect([400, 403, 413]).toContain(res.status)
        if (res.status >= 400) expect(await snapshot()).toEqual(before)
      }),
      { numRuns: 40 }
    )
  })

  it("broken multipart, urlencoded and JSON bodies: a clear 4xx, nothing written on a 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(rawBodies(), async ({ body, type }) => {
        const before = await snapshot()
        const res = await post(body.replaceAll("TOKEN", csrf), { "content-type": type })
        await expectClear(res)
        // Only a body the form can read with its token may be accepted (urlencoded: a lenient decoding is a form).
        if (!body.includes("TOKEN") || type.startsWith("multipart/")) expect(res.status).toBeGreaterThanOrEqual(400)
        if (res.status >= 400) expect(await snapshot()).toEqual(before)
      }),
      { numRuns: 25 }
    )
  })

  it("a file part with an empty name is ignored, not a 500 (commit 3651472)", async () => {
    const before = await snapshot()
    const form = new FormData()
    form.set("csrfmiddlewaretoken", csrf)
    form.set(`p${portal.fx.policyA}-amount`, "x")
    form.set("", new Blob([PDF], { type: "application/pdf" }), "a.pdf")
    const res = await post(form)
    const page = await res.text()
    expect(res.status, page).toBe(400)
    expect(page).toContain("Indtast et heltal")
    expect(await snapshot()).toEqual(before)
    const accepted = new FormData()
    accepted.set("csrfmiddlewaretoken", csrf)
    accepted.set("", new Blob([PDF], { type: "application/pdf" }), "a.pdf")
    expect((await post(accepted)).status).toBe(302)
  })

  it("fields named like Object.prototype's members are plain fields (they hung the request)", async () => {
    const before = await snapshot()
    const form = formOf({
      fields: { ["__proto__"]: "1", constructor: "2", toString: "3", [`p${portal.fx.policyA}-amount`]: "x" },
      uploads: {},
      token: csrf
    })
    const res = await post(form)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain("Indtast et heltal")
    expect(await snapshot()).toEqual(before)
  })

  it("a body declared over the limit is a 413 before it is read; a client leaving mid-body is let go", async () => {
    const before = await snapshot()
    const { port } = new URL(portal.url)
    const head = (length: number) =>
      "POST /policy/edit/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
      `Cookie: ${anna.cookieHeader()}\r\nContent-Type: multipart/form-data; boundary=${B}\r\n` +
      `Content-Length: ${length}\r\nConnection: close\r\n\r\n--${B}\r\n`
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () =>
        socket.write(head(Rest.Uploads.MAX_REQUEST_BYTES + 1))
      )
      let got = ""
      socket.setTimeout(UNANSWERED_MS, () => socket.destroy(new Error("no answer")))
      socket.on("data", (c: Buffer) => {
        got += c.toString("latin1")
        if (got.includes("\r\n")) {
          socket.destroy()
          resolve(got.slice(0, got.indexOf("\r\n")))
        }
      })
      socket.on("error", reject)
    })
    expect(statusLine).toMatch(/^HTTP\/1\.1 413 /)
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () =>
        socket.write(head(10_000), () => {
          socket.destroy()
          resolve()
        })
      )
      socket.on("error", reject)
    })
    await expectClear(await post(formOf({ fields: { general_notes: "" }, uploads: {}, token: null })))
    expect(await snapshot()).toEqual(before)
  })
})
