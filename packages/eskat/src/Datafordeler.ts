import type { DafoAddress, KasConfig } from "@kas/core"
import { Context, Data, Effect, Layer, Option } from "effect"
import { readFile } from "node:fs/promises"
import https from "node:https"

/** Datafordeler could not answer (a non-2xx status, a timeout, TLS or a body that is not JSON). */
export class DatafordelerError extends Data.TaggedError("DatafordelerError")<{
  readonly message: string
  readonly status?: number | undefined
}> {}

/** CPRs per request (integrations.md §4.1). */
export const CHUNK = 100

/**
 * CPR and address lookups at Datafordeler through the PITU gateway (integrations.md §4): the answer keyed by CPR;
 * CPRs it does not know are missing from it. The census import asks for the persons it created or changed.
 */
export class Datafordeler extends Context.Tag("@kas/eskat/Datafordeler")<
  Datafordeler,
  {
    readonly lookup: (
      cprs: ReadonlyArray<string>
    ) => Effect.Effect<Readonly<Record<string, DafoAddress.DafoAnswer>>, DatafordelerError>
  }
>() {
  /** `PITU_MOCK=true`: every CPR answers `{cprNummer}` only (no address; the person becomes Alive). */
  static readonly mock = Layer.succeed(Datafordeler, {
    lookup: (cprs) => Effect.succeed(Object.fromEntries(cprs.map((cpr) => [cpr, { cprNummer: cpr }])))
  })

  /** The live client: mutual TLS, the UXP headers, 100 CPRs per request, 60 s timeout. */
  static readonly live = (settings: KasConfig.BackOfficeConfig.DafoSettings) =>
    Layer.succeed(Datafordeler, { lookup: (cprs) => liveLookup(settings, cprs) })

  /** The layer the settings choose (mock or live). */
  static readonly layer = (settings: KasConfig.BackOfficeConfig.DafoSettings) =>
    settings.mock ? Datafordeler.mock : Datafordeler.live(settings)
}

const required = (o: Option.Option<string>, name: string) =>
  Option.match(o, {
    onNone: () => Effect.fail(new DatafordelerError({ message: `Datafordeler er ikke sat op: ${name} mangler` })),
    onSome: Effect.succeed
  })

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e))

const get = (
  url: URL,
  options: { cert: Buffer; key: Buffer; ca: Buffer; headers: Record<string, string> }
): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: "GET",
        cert: options.cert,
        key: options.key,
        ca: options.ca,
        headers: options.headers,
        timeout: 60_000
      },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
        res.on("error", reject)
      }
    )
    req.on("timeout", () => req.destroy(new Error("timeout efter 60 sekunder")))
    req.on("error", reject)
    req.end()
  })

/** The live lookup on explicit settings (the live layer's implementation). */
export const liveLookup = (settings: KasConfig.BackOfficeConfig.DafoSettings, cprs: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const base = yield* required(settings.url, "PITU_URL")
    const client = yield* required(settings.uxpClient, "PITU_UXP_CLIENT")
    const service = yield* required(settings.uxpServiceCpr, "PITU_UXP_SERVICE_CPR")
    const files = yield* Effect.tryPromise({
      try: async () => ({
        cert: await readFile(Option.getOrThrow(settings.certificate)),
        key: await readFile(Option.getOrThrow(settings.key)),
        ca: await readFile(Option.getOrThrow(settings.rootCa))
      }),
      catch: (e) => new DatafordelerError({ message: `Datafordelerens certifikater kunne ikke læses: ${describe(e)}` })
    })
    const out: Record<string, DafoAddress.DafoAnswer> = {}
    for (let i = 0; i < cprs.length; i += CHUNK) {
      const chunk = cprs.slice(i, i + CHUNK)
      const url = new URL(base)
      url.searchParams.set("cpr", chunk.join(","))
      const res = yield* Effect.tryPromise({
        try: () => get(url, { ...files, headers: { "Uxp-Client": client, "Uxp-Service": service } }),
        catch: (e) => new DatafordelerError({ message: `Datafordeler svarede ikke: ${describe(e)}` })
      })
      if (res.status < 200 || res.status >= 300) {
        return yield* Effect.fail(
          new DatafordelerError({ message: `Datafordeler svarede med status ${res.status}`, status: res.status })
        )
      }
      const parsed = yield* Effect.try({
        try: () => JSON.parse(res.body) as unknown,
        catch: () => new DatafordelerError({ message: "Datafordelerens svar er ikke JSON" })
      })
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        return yield* Effect.fail(new DatafordelerError({ message: "Datafordelerens svar er ikke et JSON-objekt" }))
      }
      for (const [cpr, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (typeof value === "object" && value !== null) out[cpr] = value as DafoAddress.DafoAnswer
      }
    }
    return out as Readonly<Record<string, DafoAddress.DafoAnswer>>
  })
