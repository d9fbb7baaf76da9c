import { SqlClient } from "@effect/sql"
import { assert, layer } from "@effect/vitest"
import { Companies, Cpr, TaxYears } from "@kas/core"
import { Effect, Exit, Layer, Option } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import https from "node:https"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { generate } from "selfsigned"
import { afterAll, beforeAll } from "vitest"
import { Datafordeler, liveLookup } from "../../src/Datafordeler.js"
import { layerMock } from "../../src/EskatMock.js"
import { ImportMandtal } from "../../src/import/ImportMandtal.js"
import { ensureTaxYearsAndCompanies, fillMockTables } from "../../src/mock/MockData.js"
import { sqlLayer, testDb } from "../support/fixture.js"

/**
 * Datafordeler after the census import (integrations.md §4) against a stand-in HTTPS server that demands a client
 * certificate of a test CA: the headers, chunks of 100, each effect of §4.3, and a 500 that fails the import after
 * the mapping committed.
 */

interface Seen {
  readonly cprs: ReadonlyArray<string>
  readonly headers: Record<string, string | string[] | undefined>
}

const requests: Array<Seen> = []
let mode: "answer" | "fail" = "answer"
let answer: (cprs: ReadonlyArray<string>) => Record<string, unknown> = () => ({})
let server: https.Server
let dir: string
let url: string

beforeAll(async () => {
  const ca = await generate([{ name: "commonName", value: "KAS test CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true }
    ]
  })
  const signer = { ca: { key: ca.private, cert: ca.cert }, keyType: "ec" as const, algorithm: "sha256" as const }
  const serverCert = await generate([{ name: "commonName", value: "localhost" }], signer)
  const clientCert = await generate([{ name: "commonName", value: "kas" }], signer)
  dir = mkdtempSync(path.join(tmpdir(), "kas-pitu-"))
  writeFileSync(path.join(dir, "client.crt"), clientCert.cert)
  writeFileSync(path.join(dir, "client.key"), clientCert.private)
  writeFileSync(path.join(dir, "ca.crt"), ca.cert)
  server = https.createServer(
    { key: serverCert.private, cert: serverCert.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const cprs = (new URL(req.url ?? "/", "https://localhost").searchParams.get("cpr") ?? "").split(",")
      requests.push({ cprs, headers: req.headers })
      if (mode === "fail") {
        res.writeHead(500, { "content-type": "text/plain" })
        return res.end("Internal error")
      }
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify(answer(cprs)))
    }
  )
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/pitu/cpr`
})
afterAll(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const settings = () => ({
  enabled: true,
  mock: false,
  url: Option.some(url),
  uxpClient: Option.some("GOV/KAS/client"),
  uxpServiceCpr: Option.some("GOV/CPR/service"),
  certificate: Option.some(path.join(dir, "client.crt")),
  key: Option.some(path.join(dir, "client.key")),
  rootCa: Option.some(path.join(dir, "ca.crt"))
})

const seed = Effect.gen(function* () {
  yield* fillMockTables({ persons: 110, seed: 5, fromYear: 2024, toYear: 2024 })
  yield* ensureTaxYearsAndCompanies([2024], 2026)
}).pipe(Effect.provide(Layer.merge(TaxYears.Default, Companies.Default)))

// The settings are read when the import asks, after beforeAll has started the stand-in.
const live = Layer.succeed(Datafordeler, { lookup: (cprs) => Effect.suspend(() => liveLookup(settings(), cprs)) })

const q = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params))

const census = (cpr?: string) =>
  Effect.flatMap(ImportMandtal, (i) =>
    i.run({ year: 2024, cpr: cpr === undefined ? undefined : Cpr.make(cpr), author: "tester" })
  )

layer(
  ImportMandtal.Default.pipe(
    Layer.provide(live),
    Layer.provideMerge(layerMock),
    Layer.provideMerge(Layer.effectDiscard(seed)),
    Layer.provideMerge(sqlLayer),
    Layer.provideMerge(testDb)
  ),
  { timeout: "300 seconds" }
)("the census import asks Datafordeler (integrations.md §4)", (it) => {
  it.effect("a 500 answer fails the import after the mapping committed", () =>
    Effect.gen(function* () {
      const [first] = yield* q<{ cpr: string }>(
        `select cpr from eskat_mock.kas_mandtal where skatteaar = 2024 order by cpr limit 1`
      )
      mode = "fail"
      const exit = yield* Effect.exit(census(first!.cpr))
      assert.isTrue(Exit.isFailure(exit))
      assert.match(String(Exit.isFailure(exit) ? exit.cause : ""), /Datafordeler svarede med status 500/)
      // The person and its year were mapped and kept.
      const [kept] = yield* q<{ status: string; years: number }>(
        `select p.status, (select count(*)::int from kas.person_tax_year where person_id = p.id) as years
         from kas.person p where p.cpr = $1`,
        [first!.cpr]
      )
      assert.deepStrictEqual(kept, { status: "Undefined", years: 1 })
      assert.deepStrictEqual(requests.at(-1)!.cprs, [first!.cpr])
    })
  )

  it.effect("headers, 100 CPRs a request, and the effects: dead, better address, alive, invalid", () =>
    Effect.gen(function* () {
      mode = "answer"
      requests.length = 0
      const chosen: Array<string> = []
      answer = (cprs) => {
        const out: Record<string, unknown> = {}
        for (const cpr of cprs) {
          if (chosen.length < 3) chosen.push(cpr)
          const i = chosen.indexOf(cpr)
          if (i === 0) out[cpr] = { cprNummer: cpr, fornavn: "Død", efternavn: "Person", civilstand: "D" }
          else if (i === 1)
            out[cpr] = {
              cprNummer: cpr,
              fornavn: "Ny",
              efternavn: "Navn",
              adresse: "Aqqusinersuaq 1",
              postnummer: "3900",
              bynavn: "Nuuk",
              co: "c/o Hansen",
              landekode: "GL",
              civilstand: "G"
            }
          else if (i === 2)
            continue // not known to Datafordeler: Invalid
          else out[cpr] = { cprNummer: cpr }
        }
        return out
      }
      const result = yield* census()
      const asked = requests.flatMap((r) => r.cprs)
      const [{ n: persons }] = yield* q<{ n: number }>(`select count(*)::int as n from kas.person`)
      // Every person created in this run (all but the one of the failed run), 100 at most per request.
      assert.strictEqual(asked.length, persons - 1)
      assert.isTrue(requests.length >= 2)
      assert.isTrue(requests.every((r) => r.cprs.length <= 100))
      assert.isTrue(
        requests.every(
          (r) => r.headers["uxp-client"] === "GOV/KAS/client" && r.headers["uxp-service"] === "GOV/CPR/service"
        )
      )
      const group = result.summary.find((g) => g.label === "Datafordeler")!
      assert.deepStrictEqual(
        group.value.map((v) => [v.label, v.value]),
        [
          ["Opslag", persons - 2],
          ["Adresse opdateret", 1],
          ["Død", 1],
          ["Ugyldig", 1]
        ]
      )
      const rows = yield* q<{
        cpr: string
        status: string
        name: string | null
        address_line_1: string | null
        address_line_2: string | null
        address_line_4: string | null
        address_line_5: string | null
        full_address: string | null
        updated_from_dafo: boolean
      }>(
        `select cpr, status, name, address_line_1, address_line_2, address_line_4, address_line_5, full_address,
           updated_from_dafo from kas.person where cpr = any($1::text[])`,
        [chosen]
      )
      const by = new Map(rows.map((r) => [r.cpr, r]))
      const dead = by.get(chosen[0]!)!
      assert.deepStrictEqual([dead.status, dead.updated_from_dafo], ["Dead", false])
      const better = by.get(chosen[1]!)!
      assert.deepStrictEqual(
        [
          better.status,
          better.name,
          better.address_line_1,
          better.address_line_2,
          better.address_line_4,
          better.address_line_5,
          better.full_address,
          better.updated_from_dafo
        ],
        [
          "Alive",
          "Ny Navn",
          "c/o Hansen",
          "Aqqusinersuaq 1",
          "3900 Nuuk",
          "GL",
          "Aqqusinersuaq 1,c/o Hansen,3900 Nuuk,GL",
          true
        ]
      )
      assert.strictEqual(by.get(chosen[2]!)!.status, "Invalid")
      const [alive] = yield* q<{ n: number }>(
        `select count(*)::int as n from kas.person where status = 'Alive' and not updated_from_dafo`
      )
      assert.strictEqual(alive!.n, persons - 4)
      const [cache] = yield* q<{ name: string; postal_area: string; full_address: string }>(
        `select name, postal_area, full_address from kas.dafo_address where cpr = $1`,
        [chosen[1]]
      )
      assert.deepStrictEqual(cache, {
        name: "Ny Navn",
        postal_area: "3900 Nuuk",
        full_address: "Aqqusinersuaq 1\n3900 Nuuk"
      })
      const [history] = yield* q<{ n: number }>(
        `select count(*)::int as n from kas.history where entity_type = 'Person'
           and change_reason = 'Opdateret fra Datafordeler' and history_user = 'tester'`
      )
      assert.isTrue(history!.n >= 3)
    })
  )
})
