/**
 * The typed client of the back-office REST API (selvbetjening.md §16), on @effect/platform's HttpClient: every call
 * has a timeout, only idempotent calls are retried, every answer is decoded with the shared contract Schemas.
 */
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Context, Data, Duration, Effect, Either, Layer, Option, Redacted, Schedule, Schema } from "effect"
import { Agent } from "undici"
import * as C from "./Contract.js"

/** The back office could not be used: unreachable or timed out, an unexpected status, or an answer that does not decode. */
export class RestError extends Data.TaggedError("RestError")<{
  readonly reason: "unreachable" | "timeout" | "status" | "decode"
  readonly status?: number | undefined
  readonly message: string
  readonly cause?: unknown
}> {}

/** A file part of a submission. */
export interface SubmissionFile {
  readonly part: string
  readonly name: string
  readonly contentType: string
  readonly content: Uint8Array
}

/** What a submission can lead to besides transport errors. */
export type SubmitOutcome =
  | { readonly _tag: "Ok"; readonly result: C.SubmissionResult }
  | { readonly _tag: "Invalid"; readonly errors: C.FieldErrors }
  | { readonly _tag: "Refused"; readonly status: 404 | 409 | 413; readonly detail: string }

/** A refused token exchange: the status and plain body, passed on to the browser unchanged (§13). */
export interface TokenRefused {
  readonly status: number
  readonly body: string
}

/** Where the back office is and how to call it (configuration.md §5). */
export interface KasRestClientOptions {
  readonly baseUrl: string
  readonly token: Redacted.Redacted<string>
  readonly timeoutSeconds: number
  /** PEM bundle of CAs for the back office's certificate (REST_CA_CERT); system CAs when absent. */
  readonly ca?: string | undefined
}

type Filter = Record<string, string | number | boolean | undefined>

/** The REST client service. */
export class KasRestClient extends Context.Tag("@kas/core/KasRestClient")<
  KasRestClient,
  {
    readonly taxYears: (filter?: { year?: number; year_lt?: number }) => Effect.Effect<ReadonlyArray<C.TaxYearOut>, RestError>
    readonly pensionCompanies: () => Effect.Effect<ReadonlyArray<C.PensionCompanyOut>, RestError>
    readonly personTaxYears: (cpr: string, filter?: { year?: number }) => Effect.Effect<ReadonlyArray<C.PersonTaxYearOut>, RestError>
    readonly policies: (cpr: string, filter?: { year?: number; active?: boolean }) => Effect.Effect<ReadonlyArray<C.PolicyTaxYearOut>, RestError>
    /** `/rest/overview/`: the person's years, the tax year, its active policies and whether a statement exists. */
    readonly overview: (cpr: string, year: number) => Effect.Effect<C.CitizenOverview, RestError>
    readonly submit: (cpr: string, data: C.Submission, files: ReadonlyArray<SubmissionFile>) => Effect.Effect<SubmitOutcome, RestError>
    readonly finalStatementExists: (cpr: string, year: number) => Effect.Effect<boolean, RestError>
    readonly finalStatement: (cpr: string, year: number) => Effect.Effect<Option.Option<Uint8Array>, RestError>
    readonly exchangeToken: (token: string) => Effect.Effect<Either.Either<C.TokenExchange, TokenRefused>, RestError>
  }
>() {
  /** The client on a given HttpClient. */
  static readonly make = (options: KasRestClientOptions) =>
    Effect.gen(function* () {
      const base = options.baseUrl.replace(/\/$/, "")
      const http = (yield* HttpClient.HttpClient).pipe(
        HttpClient.mapRequest((r) =>
          r.pipe(HttpClientRequest.prependUrl(base), HttpClientRequest.setHeader("Authorization", `Token ${Redacted.value(options.token)}`))
        )
      )
      const timeout = Duration.seconds(options.timeoutSeconds)

      const send = (request: HttpClientRequest.HttpClientRequest, limit: Duration.Duration = timeout) =>
        http.execute(request).pipe(
          Effect.mapError((cause) => new RestError({ reason: "unreachable", message: `${request.url}: ${cause.message}`, cause })),
          Effect.timeoutFail({ duration: limit, onTimeout: () => new RestError({ reason: "timeout", message: `${request.url}: timed out` }) })
        )

      const idempotent = <A>(effect: Effect.Effect<A, RestError>) =>
        effect.pipe(
          Effect.retry({
            schedule: Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(2))),
            // Not after a timeout: under overload a retry only adds load (the caller shows the error page instead).
            while: (e) => e.reason === "unreachable" || (e.status ?? 0) >= 500
          })
        )

      const decode = <A, I>(schema: Schema.Schema<A, I>, res: HttpClientResponse.HttpClientResponse) =>
        res.json.pipe(
          Effect.flatMap(Schema.decodeUnknown(schema)),
          Effect.mapError((cause) => new RestError({ reason: "decode", status: res.status, message: `Undecodable answer: ${String(cause)}`, cause }))
        )

      // A body must always be read to the end, or its keep-alive socket is never returned to the agent.
      const drain = (res: HttpClientResponse.HttpClientResponse) => Effect.ignore(res.text)
      const expectOk = (res: HttpClientResponse.HttpClientResponse): Effect.Effect<HttpClientResponse.HttpClientResponse, RestError> =>
        res.status === 200
          ? Effect.succeed(res)
          : Effect.zipRight(drain(res), Effect.fail(new RestError({ reason: "status", status: res.status, message: `Unexpected status ${res.status}` })))

      const get = <A, I>(path: string, schema: Schema.Schema<A, I>, cpr?: string, filter: Filter = {}) => {
        const params = Object.entries(filter).filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
        let req = HttpClientRequest.get(path).pipe(HttpClientRequest.setUrlParams(Object.fromEntries(params.map(([k, v]) => [k, String(v)]))))
        if (cpr !== undefined) req = HttpClientRequest.setHeader(req, C.CPR_HEADER, cpr)
        return idempotent(send(req).pipe(Effect.flatMap(expectOk), Effect.flatMap((res) => decode(schema, res))))
      }
      // The array schemas are built once, not per call.
      const lists = {
        taxYears: Schema.Array(C.TaxYearOut),
        companies: Schema.Array(C.PensionCompanyOut),
        personTaxYears: Schema.Array(C.PersonTaxYearOut),
        policies: Schema.Array(C.PolicyTaxYearOut)
      }

      const statementPath = (cpr: string, year: number) => `/final_settlement/${year}/${cpr}/`
      const encodeSubmission = Schema.encodeSync(C.Submission)

      return KasRestClient.of({
        taxYears: (filter) => get("/rest/tax_year/", lists.taxYears, undefined, filter),
        pensionCompanies: () => get("/rest/pension_company/", lists.companies),
        personTaxYears: (cpr, filter) => get("/rest/person_tax_year/", lists.personTaxYears, cpr, filter),
        policies: (cpr, filter) => get("/rest/policy_tax_year/", lists.policies, cpr, filter),
        overview: (cpr, year) => get("/rest/overview/", C.CitizenOverview, cpr, { year }),
        submit: (cpr, data, files) =>
          Effect.gen(function* () {
            const form = new FormData()
            form.set("data", JSON.stringify(encodeSubmission(data)))
            for (const f of files) form.set(f.part, new Blob([f.content], { type: f.contentType }), f.name)
            // Encoded to bytes here (boundary and all) rather than handed to the transport: undici cannot stream the
            // FormData class of Node's own fetch ("action is not a function").
            const multipart = new Response(form)
            const bytes = yield* Effect.tryPromise({
              try: () => multipart.arrayBuffer(),
              catch: (cause) => new RestError({ reason: "unreachable", message: `Could not encode the submission: ${String(cause)}`, cause })
            })
            const req = HttpClientRequest.post("/rest/submission/").pipe(
              HttpClientRequest.setHeader(C.CPR_HEADER, cpr),
              HttpClientRequest.bodyUint8Array(new Uint8Array(bytes), multipart.headers.get("content-type") ?? "multipart/form-data")
            )
            const res = yield* send(req, Duration.sum(timeout, Duration.seconds(25)))
            if (res.status === 200) return { _tag: "Ok", result: yield* decode(C.SubmissionResult, res) } as const
            if (res.status === 400) return { _tag: "Invalid", errors: (yield* decode(C.ValidationErrors, res)).errors } as const
            if (res.status === 404 || res.status === 409 || res.status === 413) {
              const detail = (yield* decode(C.Detail, res)).detail
              return { _tag: "Refused", status: res.status, detail } as const
            }
            return yield* new RestError({ reason: "status", status: res.status, message: `Submission answered ${res.status}` })
          }),
        finalStatementExists: (cpr, year) =>
          idempotent(
            send(HttpClientRequest.get(`${statementPath(cpr, year)}exists/`).pipe(HttpClientRequest.setHeader(C.CPR_HEADER, cpr))).pipe(
              Effect.flatMap((res) =>
                res.status === 200 || res.status === 404 ? Effect.as(drain(res), res.status === 200) : expectOk(res).pipe(Effect.as(false))
              )
            )
          ),
        finalStatement: (cpr, year) =>
          idempotent(
            send(HttpClientRequest.get(statementPath(cpr, year)).pipe(HttpClientRequest.setHeader(C.CPR_HEADER, cpr)), Duration.seconds(30)).pipe(
              Effect.flatMap((res) =>
                res.status === 404
                  ? Effect.as(drain(res), Option.none<Uint8Array>())
                  : expectOk(res).pipe(
                      Effect.flatMap((r) => r.arrayBuffer),
                      Effect.map((b) => Option.some(new Uint8Array(b))),
                      Effect.mapError((cause) => (cause instanceof RestError ? cause : new RestError({ reason: "unreachable", message: String(cause), cause })))
                    )
              )
            )
          ),
        exchangeToken: (token) =>
          Effect.gen(function* () {
            const res = yield* send(HttpClientRequest.post("/token/").pipe(HttpClientRequest.bodyUrlParams({ token })))
            if (res.status !== 200) {
              const body = yield* res.text.pipe(Effect.orElseSucceed(() => ""))
              return Either.left({ status: res.status, body })
            }
            const raw = yield* res.json.pipe(Effect.mapError((cause) => new RestError({ reason: "decode", message: "Token answer is not JSON", cause })))
            return yield* Schema.decodeUnknown(C.TokenExchange)(raw).pipe(
              Effect.map(Either.right),
              Effect.mapError((cause) => new RestError({ reason: "decode", status: 200, message: missingKey(raw), cause }))
            )
          })
      })
    })

  /**
   * The client over undici (keep-alive connections; REST_CA_CERT when given, else the system CAs), closed with the
   * layer. undici rather than `node:http`: the same HttpClient costs about half the CPU per call (bench/selvbetjening).
   */
  static readonly layer = (options: KasRestClientOptions): Layer.Layer<KasRestClient> =>
    Layer.effect(KasRestClient, KasRestClient.make(options)).pipe(
      Layer.provide(NodeHttpClient.layerUndiciWithoutDispatcher),
      Layer.provide(
        Layer.scoped(
          NodeHttpClient.Dispatcher,
          Effect.acquireRelease(
            Effect.sync(() => new Agent({ connections: 256, ...(options.ca ? { connect: { ca: options.ca } } : {}) })),
            (agent) => Effect.promise(() => agent.destroy())
          )
        )
      )
    )
}

/** "Missing {key} in token service response" for the first absent key (§13.3). */
const missingKey = (raw: unknown): string => {
  const o = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {}
  const key = ["CPR", "PersonName", "AdminUsername", "AdminUserID"].find((k) => o[k] === undefined || o[k] === null)
  return key ? `Missing ${key} in token service response` : "Invalid token service response"
}
