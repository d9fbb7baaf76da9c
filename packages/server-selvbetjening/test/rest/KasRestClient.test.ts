import { Effect, Either, Exit, ManagedRuntime, Option, Redacted } from "effect"
import http from "node:http"
import https from "node:https"
import type { AddressInfo } from "node:net"
import { generate } from "selfsigned"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Cpr, Rest } from "@kas/core"

// The typed REST client selvbetjening uses, against small local servers: TLS with REST_CA_CERT, the timeout,
// retries only on idempotent calls, and answers that do not decode.
const TAX_YEARS = [{ id: 1, year: 2025, days_in_year: 365, year_part: "selvangivelse" }]
const OVERVIEW = {
  person_tax_years: [],
  tax_year: TAX_YEARS[0],
  policies: [],
  pension_companies: [],
  final_statement_exists: false
}
let requests: Array<{ method: string; url: string; authorization: string }> = []
let failuresLeft = 0
const handler: http.RequestListener = (req, res) => {
  requests.push({
    method: req.method ?? "",
    url: req.url ?? "",
    authorization: String(req.headers.authorization ?? "")
  })
  req.resume()
  if (req.url?.startsWith("/rest/pension_company/")) return // never answers
  if (failuresLeft > 0) {
    failuresLeft--
    res.statusCode = 503
    return res.end("busy")
  }
  res.setHeader("content-type", "application/json")
  if (req.url?.startsWith("/rest/overview/"))
    return res.end(JSON.stringify(req.url.includes("1999") ? { ...OVERVIEW, tax_year: TAX_YEARS[0]!.id } : OVERVIEW))
  if (req.url?.startsWith("/rest/tax_year/"))
    return res.end(JSON.stringify(req.url.includes("1999") ? [{ id: "x" }] : TAX_YEARS))
  res.statusCode = 503
  res.end("no")
}

let tlsServer: https.Server
let plainServer: http.Server
let cert: string
const urlOf = (s: http.Server, scheme: string) => `${scheme}://127.0.0.1:${(s.address() as AddressInfo).port}`

beforeAll(async () => {
  const keys = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }]
  })
  cert = keys.cert
  tlsServer = https.createServer({ key: keys.private, cert: keys.cert }, handler)
  plainServer = http.createServer(handler)
  await Promise.all([tlsServer, plainServer].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()))))
})
afterAll(async () => {
  for (const s of [tlsServer, plainServer]) {
    s.closeAllConnections()
    await new Promise<void>((r) => s.close(() => r()))
  }
})

const withClient = async <A>(
  baseUrl: string,
  f: (c: Rest.KasRestClient["Type"]) => Effect.Effect<A, Rest.RestError>,
  options: { ca?: string; timeoutSeconds?: number } = {}
) => {
  requests = []
  const runtime = ManagedRuntime.make(
    Rest.KasRestClient.layer({
      baseUrl,
      token: Redacted.make("sekret"),
      timeoutSeconds: options.timeoutSeconds ?? 5,
      ca: options.ca
    })
  )
  try {
    return await runtime.runPromiseExit(Effect.flatMap(Rest.KasRestClient, f))
  } finally {
    await runtime.dispose()
  }
}
const failure = <A>(exit: Exit.Exit<A, Rest.RestError>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : null

describe("KasRestClient", () => {
  it("verifies the back office's certificate against REST_CA_CERT and sends the API token", async () => {
    const ok = await withClient(urlOf(tlsServer, "https"), (c) => c.taxYears({ year: 2025 }), { ca: cert })
    expect(ok).toEqual(Exit.succeed(TAX_YEARS))
    expect(requests).toEqual([{ method: "GET", url: "/rest/tax_year/?year=2025", authorization: "Token sekret" }])
    // Without the CA the self-signed certificate is refused: the system CAs do not know it.
    const refused = failure(await withClient(urlOf(tlsServer, "https"), (c) => c.taxYears()))
    expect(refused?.reason).toBe("unreachable")
  })

  it("retries an idempotent call after a 5xx, but never a submission", async () => {
    failuresLeft = 2
    expect(await withClient(urlOf(plainServer, "http"), (c) => c.taxYears())).toEqual(Exit.succeed(TAX_YEARS))
    expect(requests).toHaveLength(3)
    failuresLeft = 1
    const submitted = await withClient(urlOf(plainServer, "http"), (c) =>
      c.submit(
        Cpr.make("0101709901"),
        {
          year: 2025,
          updated_by: "0101709901",
          person_tax_year: { general_notes: null, foreign_pension_notes: null },
          policies: [],
          new_policies: []
        },
        []
      )
    )
    expect(failure(submitted)).toMatchObject({ reason: "status", status: 503 })
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /rest/submission/"])
  })

  it("overviewNow (the promise fast path) answers as overview does: decoded, retried after 5xx, refused", async () => {
    const cpr = Cpr.make("0101709901")
    const url = urlOf(plainServer, "http")
    const both = (year: number) =>
      withClient(url, (c) =>
        Effect.all([Effect.either(c.overview(cpr, year)), Effect.promise(() => c.overviewNow(cpr, year))])
      )
    failuresLeft = 2
    const [viaEffect, viaPromise] = Exit.getOrElse(await both(2025), () => expect.fail("no answer"))
    expect(viaEffect).toEqual(Either.right(OVERVIEW))
    expect(viaPromise).toEqual(Either.right(OVERVIEW))
    expect(requests.map((r) => r.url)).toEqual(Array(4).fill("/rest/overview/?year=2025"))
    const [badEffect, badPromise] = Exit.getOrElse(await both(1999), () => expect.fail("no answer"))
    expect(Either.getLeft(badEffect).pipe(Option.map((e) => e.reason))).toEqual(Option.some("decode"))
    expect(Either.getLeft(badPromise).pipe(Option.map((e) => e.reason))).toEqual(Option.some("decode"))
  })

  it("gives up after the timeout without retrying, and refuses an answer that does not decode", async () => {
    const timedOut = failure(
      await withClient(urlOf(plainServer, "http"), (c) => c.pensionCompanies(), { timeoutSeconds: 1 })
    )
    expect(timedOut?.reason).toBe("timeout")
    expect(requests).toHaveLength(1)
    const bad = failure(await withClient(urlOf(plainServer, "http"), (c) => c.taxYears({ year: 1999 })))
    expect(bad?.reason).toBe("decode")
  })
})
