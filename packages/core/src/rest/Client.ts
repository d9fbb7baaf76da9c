/**
 * The typed client of the back-office REST API (selvbetjening.md §16), on an undici connection pool: every call has a
 * timeout, only idempotent calls are retried, every answer is decoded with the shared contract Schemas.
 */
import { Context, Data, Effect, Either, Layer, Option, type ParseResult, Redacted, Schema } from "effect"
import { Agent, type Dispatcher } from "undici"
import type { Cpr } from "../domain/Cpr.js"
import * as C from "./Contract.js"
import { compileValidator } from "./internal/validator.js"

/**
 * The back office could not be used: unreachable or timed out, an unexpected status, or an answer that does not decode.
 */
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
    readonly taxYears: (filter?: {
      year?: number
      year_lt?: number
    }) => Effect.Effect<ReadonlyArray<C.TaxYearOut>, RestError>
    /** The curated companies plus those on the citizen's policies; without a CPR, the curated ones. */
    readonly pensionCompanies: (cpr?: Cpr) => Effect.Effect<ReadonlyArray<C.PensionCompanyOut>, RestError>
    readonly personTaxYears: (
      cpr: Cpr,
      filter?: { year?: number }
    ) => Effect.Effect<ReadonlyArray<C.PersonTaxYearOut>, RestError>
    readonly policies: (
      cpr: Cpr,
      filter?: { year?: number; active?: boolean }
    ) => Effect.Effect<ReadonlyArray<C.PolicyTaxYearOut>, RestError>
    /** `/rest/overview/`: the person's years, the tax year, its active policies and whether a statement exists. */
    readonly overview: (cpr: Cpr, year: number) => Effect.Effect<C.CitizenOverview, RestError>
    /**
     * The same call as `overview` (same request, retries, timeout and decoding) as a promise of its outcome, for the
     * page every citizen loads (selvbetjening's year overview): no Effect fiber per call.
     */
    readonly overviewNow: (cpr: Cpr, year: number) => Promise<Either.Either<C.CitizenOverview, RestError>>
    readonly submit: (
      cpr: Cpr,
      data: C.Submission,
      files: ReadonlyArray<SubmissionFile>
    ) => Effect.Effect<SubmitOutcome, RestError>
    readonly finalStatementExists: (cpr: Cpr, year: number) => Effect.Effect<boolean, RestError>
    readonly finalStatement: (cpr: Cpr, year: number) => Effect.Effect<Option.Option<Uint8Array>, RestError>
    /** Exchanges a representation token for a portal session of `sessionSeconds` (idle expiry). */
    readonly exchangeToken: (
      token: string,
      sessionSeconds?: number
    ) => Effect.Effect<Either.Either<C.TokenExchange, TokenRefused>, RestError>
    /** The represented portal session was used: staff user `userId`'s representation lives on; false when it ended. */
    readonly extendRepresentation: (userId: number, sessionSeconds: number) => Effect.Effect<boolean, RestError>
  }
>() {
  /**
   * The client on an undici agent (keep-alive connections). Each call is one promise (request, then the body read to
   * the end inside the deadline) in one `Effect.tryPromise`: @effect/platform's HttpClient cost about 5× the CPU per
   * call in bench/selvbetjening (~0.8 ms against ~0.15 ms for the overview, its Schema decode included).
   */
  static readonly make = (options: KasRestClientOptions, agent: Agent) => {
    const base = new URL(options.baseUrl)
    const origin = base.origin
    const prefix = base.pathname.replace(/\/$/, "")
    const authorization = `Token ${Redacted.value(options.token)}`
    const timeoutMs = options.timeoutSeconds * 1000

    /** One exchange as an Effect (interrupting it aborts the request). */
    const send = <B extends "text" | "bytes">(request: Outgoing, read: B, limitMs = timeoutMs) =>
      Effect.async<Answer<B>, RestError>((resume) =>
        Effect.sync(exchange(agent, origin, prefix + request.path, authorization, request, read, limitMs, resume))
      )

    /**
     * An idempotent call: up to two retries, 100 and 200 ms apart, after an unreachable back office or a 5xx; not after
     * a timeout (under overload a retry only adds load; the caller shows the error page instead) nor an answer that
     * does not decode. `interpret` turns an answer into the outcome. Callback style, returning its canceller, so that
     * the Effect methods and the promise fast path share it.
     */
    const retrying =
      <A, B extends "text" | "bytes">(
        request: Outgoing,
        read: B,
        interpret: (answer: Answer<B>) => Either.Either<A, RestError>,
        limitMs = timeoutMs
      ) =>
      (done: (outcome: Either.Either<A, RestError>) => void): (() => void) => {
        let cancel = () => {}
        const attempt = (retries: number, delayMs: number) => {
          cancel = exchange(agent, origin, prefix + request.path, authorization, request, read, limitMs, (r) => {
            const outcome: Either.Either<A, RestError> = Either.isLeft(r) ? Either.left(r.left) : interpret(r.right)
            if (Either.isLeft(outcome) && retries > 0 && retryable(outcome.left)) {
              const timer = setTimeout(() => attempt(retries - 1, delayMs * 2), delayMs)
              cancel = () => clearTimeout(timer)
            } else done(outcome)
          })
        }
        attempt(2, 100)
        return () => cancel()
      }
    const idempotent = <A>(call: (done: (outcome: Either.Either<A, RestError>) => void) => () => void) =>
      Effect.async<A, RestError>((resume) => Effect.sync(call(resume)))

    // An answer that passes the check compiled from its Schema is the decoded value as parsed; any other is decoded
    // by the Schema (which refuses it, with its message, or accepts it should the check be stricter than the Schema).
    const decoder = <A, I>(schema: Schema.Schema<A, I>) => {
      const decode = Schema.decodeUnknownEither(schema)
      const valid = compileValidator(schema)
      return (status: number, text: string): Either.Either<A, RestError> => {
        let raw: unknown
        try {
          raw = JSON.parse(text)
        } catch (cause) {
          return Either.left(
            new RestError({ reason: "decode", status, message: `Undecodable answer: ${String(cause)}`, cause })
          )
        }
        if (valid?.(raw)) return Either.right(raw)
        return Either.mapLeft(
          decode(raw),
          (cause: ParseResult.ParseError) =>
            new RestError({ reason: "decode", status, message: `Undecodable answer: ${String(cause)}`, cause })
        )
      }
    }
    const unexpected = (status: number) =>
      new RestError({ reason: "status", status, message: `Unexpected status ${status}` })

    /** A GET of a list or the overview: 200 and a decodable answer, else a RestError. */
    const get = <A, I>(path: string, schema: Schema.Schema<A, I>) => {
      const decode = decoder(schema)
      const interpret = (res: Answer<"text">) =>
        res.status === 200 ? decode(res.status, res.body) : Either.left(unexpected(res.status))
      return (query: Filter, person: string | undefined) => {
        const params = new URLSearchParams()
        for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v))
        const search = params.size > 0 ? `?${params.toString()}` : ""
        return retrying({ method: "GET", path: path + search, cpr: person }, "text", interpret)
      }
    }
    // The decoders are built once, not per call.
    const lists = {
      taxYears: get("/rest/tax_year/", Schema.Array(C.TaxYearOut)),
      companies: get("/rest/pension_company/", Schema.Array(C.PensionCompanyOut)),
      personTaxYears: get("/rest/person_tax_year/", Schema.Array(C.PersonTaxYearOut)),
      policies: get("/rest/policy_tax_year/", Schema.Array(C.PolicyTaxYearOut)),
      overview: get("/rest/overview/", C.CitizenOverview)
    }
    const decodeResult = decoder(C.SubmissionResult)
    const decodeErrors = decoder(C.ValidationErrors)
    const decodeDetail = decoder(C.Detail)

    const statementPath = (cpr: string, year: number) => `/final_settlement/${year}/${cpr}/`
    const encodeSubmission = Schema.encodeSync(C.Submission)

    return KasRestClient.of({
      taxYears: (filter) => idempotent(lists.taxYears(filter ?? {}, undefined)),
      pensionCompanies: (cpr) => idempotent(lists.companies({}, cpr)),
      personTaxYears: (cpr, filter) => idempotent(lists.personTaxYears(filter ?? {}, cpr)),
      policies: (cpr, filter) => idempotent(lists.policies(filter ?? {}, cpr)),
      overview: (cpr, year) => idempotent(lists.overview({ year }, cpr)),
      overviewNow: (cpr, year) => new Promise((resolve) => lists.overview({ year }, cpr)(resolve)),
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
            catch: (cause) =>
              new RestError({
                reason: "unreachable",
                message: `Could not encode the submission: ${String(cause)}`,
                cause
              })
          })
          const contentType = multipart.headers.get("content-type") ?? "multipart/form-data"
          const res = yield* send(
            { method: "POST", path: "/rest/submission/", cpr, body: new Uint8Array(bytes), contentType },
            "text",
            timeoutMs + 25_000
          )
          if (res.status === 200) return { _tag: "Ok", result: yield* decodeResult(res.status, res.body) } as const
          if (res.status === 400)
            return { _tag: "Invalid", errors: (yield* decodeErrors(res.status, res.body)).errors } as const
          if (res.status === 404 || res.status === 409 || res.status === 413) {
            const detail = (yield* decodeDetail(res.status, res.body)).detail
            return { _tag: "Refused", status: res.status, detail } as const
          }
          return yield* new RestError({
            reason: "status",
            status: res.status,
            message: `Submission answered ${res.status}`
          })
        }),
      finalStatementExists: (cpr, year) =>
        idempotent(
          retrying({ method: "GET", path: `${statementPath(cpr, year)}exists/`, cpr }, "text", (res) =>
            res.status === 200 || res.status === 404
              ? Either.right(res.status === 200)
              : Either.left(unexpected(res.status))
          )
        ),
      finalStatement: (cpr, year) =>
        idempotent(
          retrying(
            { method: "GET", path: statementPath(cpr, year), cpr },
            "bytes",
            (res) =>
              res.status === 404
                ? Either.right(Option.none<Uint8Array>())
                : res.status === 200
                  ? Either.right(Option.some(res.body))
                  : Either.left(unexpected(res.status)),
            30_000
          )
        ),
      extendRepresentation: (userId, sessionSeconds) =>
        Effect.flatMap(
          send(
            {
              method: "POST",
              path: "/token/extend/",
              body: new URLSearchParams({
                user_id: String(userId),
                session_seconds: String(sessionSeconds)
              }).toString(),
              contentType: "application/x-www-form-urlencoded"
            },
            "text"
          ),
          (res) =>
            res.status === 200 || res.status === 404
              ? Effect.succeed(res.status === 200)
              : Effect.fail(unexpected(res.status))
        ),
      exchangeToken: (token, sessionSeconds) =>
        Effect.gen(function* () {
          const body = new URLSearchParams({
            token,
            ...(sessionSeconds === undefined ? {} : { session_seconds: String(sessionSeconds) })
          }).toString()
          const res = yield* send(
            { method: "POST", path: "/token/", body, contentType: "application/x-www-form-urlencoded" },
            "text"
          )
          if (res.status !== 200) return Either.left({ status: res.status, body: res.body })
          let raw: unknown
          try {
            raw = JSON.parse(res.body)
          } catch (cause) {
            return yield* new RestError({ reason: "decode", message: "Token answer is not JSON", cause })
          }
          return yield* Schema.decodeUnknown(C.TokenExchange)(raw).pipe(
            Effect.map(Either.right),
            Effect.mapError(
              (cause) => new RestError({ reason: "decode", status: 200, message: missingKey(raw), cause })
            )
          )
        })
    })
  }

  /**
   * The client over an undici agent (keep-alive connections; REST_CA_CERT when given, else the system CAs), closed with
   * the layer.
   */
  static readonly layer = (options: KasRestClientOptions): Layer.Layer<KasRestClient> =>
    Layer.scoped(
      KasRestClient,
      Effect.map(
        Effect.acquireRelease(
          Effect.sync(() => new Agent({ connections: 256, ...(options.ca ? { connect: { ca: options.ca } } : {}) })),
          (agent) => Effect.promise(() => agent.destroy())
        ),
        (agent) => KasRestClient.make(options, agent)
      )
    )
}

/** A request to the back office (the path below the base URL, with its query string). */
interface Outgoing {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly cpr?: string | undefined
  readonly body?: string | Uint8Array
  readonly contentType?: string
}

/** An answer, its body read to the end: text, or bytes (the statement PDF). */
interface Answer<B extends "text" | "bytes"> {
  readonly status: number
  readonly body: B extends "text" ? string : Uint8Array
}

const CPR_HEADER_NAME = C.CPR_HEADER.toLowerCase()

/** Whether a failed idempotent call is tried again: the back office unreachable or answering 5xx. */
const retryable = (e: RestError) => e.reason === "unreachable" || (e.status ?? 0) >= 500

/**
 * Sends one request and reads its body within `limitMs` (RestError "timeout" after it), through undici's dispatch API
 * with a handler of our own: no AbortController, response stream or promise per call (undici's `request` makes each;
 * about half the client's CPU per call). `done` gets the outcome once; the returned canceller aborts the request (an
 * interrupted fiber), after which `done` may still be called and is to be ignored.
 */
const exchange = <B extends "text" | "bytes">(
  agent: Agent,
  origin: string,
  path: string,
  authorization: string,
  request: Outgoing,
  read: B,
  limitMs: number,
  done: (outcome: Either.Either<Answer<B>, RestError>) => void
): (() => void) => {
  let abort: ((reason: Error) => void) | undefined
  let aborted: Error | undefined
  let finished = false
  let timedOut = false
  let status = 0
  const chunks: Array<Buffer> = []
  const cancel = (reason: Error) => {
    if (finished || aborted !== undefined) return
    aborted = reason
    abort?.(reason)
  }
  const timer = setTimeout(() => {
    timedOut = true
    cancel(new Error("timed out"))
  }, limitMs)
  const finish = (outcome: Either.Either<Answer<B>, RestError>) => {
    if (finished) return
    finished = true
    clearTimeout(timer)
    done(outcome)
  }
  const headers: Record<string, string> = { authorization }
  if (request.cpr !== undefined) headers[CPR_HEADER_NAME] = request.cpr
  if (request.contentType !== undefined) headers["content-type"] = request.contentType
  const handler: Dispatcher.DispatchHandler = {
    onConnect: (abortRequest) => {
      abort = abortRequest
      if (aborted !== undefined) abortRequest(aborted)
    },
    onHeaders: (statusCode) => {
      status = statusCode
      return true
    },
    onData: (chunk) => {
      chunks.push(chunk)
      return true
    },
    onComplete: () => {
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      const body = read === "text" ? all.toString("utf8") : new Uint8Array(all.buffer, all.byteOffset, all.byteLength)
      finish(Either.right({ status, body: body as Answer<B>["body"] }))
    },
    onError: (cause) =>
      finish(
        Either.left(
          timedOut
            ? new RestError({ reason: "timeout", message: `${path}: timed out` })
            : new RestError({ reason: "unreachable", message: `${path}: ${cause.message}`, cause })
        )
      )
  }
  agent.dispatch({ origin, path, method: request.method, headers, body: request.body ?? null }, handler)
  return () => cancel(new Error("interrupted"))
}

/** "Missing {key} in token service response" for the first absent key (§13.3). */
const missingKey = (raw: unknown): string => {
  const o = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {}
  const key = ["CPR", "PersonName", "AdminUsername", "AdminUserID"].find((k) => o[k] === undefined || o[k] === null)
  return key ? `Missing ${key} in token service response` : "Invalid token service response"
}
