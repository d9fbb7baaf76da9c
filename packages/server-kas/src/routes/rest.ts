import Router from "@koa/router"
import { Effect, Either, Option, ParseResult, Schema } from "effect"
import type { Context, Middleware } from "koa"
import {
  CitizenData,
  type CitizenFilter,
  type Cpr,
  CitizenOverview,
  DEFAULT_SESSION_SECONDS,
  FileStore,
  parseCpr,
  RepresentationTokens,
  Rest,
  SelfAssessmentSubmission
} from "@kas/core"
import { contentDisposition, parseMultipart, isMultipart, type UploadedFile } from "@kas/core/web"
import { REST_TOKEN_CACHE_MS, restTokenCache } from "../auth/RestTokenCache.js"
import { StaffUsers } from "../auth/StaffUsers.js"
import type { AppContext } from "../web/AppContext.js"

const C = Rest.Contract
const PREFIXES = ["/rest/", "/token/", "/final_settlement/"]
/** The staff pages under /final_settlement/ (staff-web.md §11: generate/<pk>/ and <uuid>/…), not the API's <year>/. */
const isStaffStatementPath = (path: string) => /^\/final_settlement\/(generate\/|[0-9a-f]{8}-)/.test(path)

/** Field path of a parse issue, like `new_policies[0].policy_number`. */
const pathOf = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    ""
  )

const fieldErrors = (error: ParseResult.ParseError): Record<string, Array<string>> => {
  const out: Record<string, Array<string>> = {}
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const key = pathOf(issue.path) || "data"
    const messages = out[key] ?? []
    messages.push(issue.message)
    out[key] = messages
  }
  return out
}

const json = (ctx: Context, status: number, body: unknown) => {
  ctx.status = status
  ctx.body = body
}

/** The self-service session length the portal sends with a token exchange or extension (60 s to a day). */
const sessionSecondsOf = (body: Record<string, unknown>): number => {
  const n = Number(body.session_seconds)
  return Number.isSafeInteger(n) && n >= 60 && n <= 86_400 ? n : DEFAULT_SESSION_SECONDS
}

/** The citizen a request is scoped to: the `X-KAS-CPR` header parsed into a `Cpr` (once, here at the edge). */
const cprOf = (ctx: Context): Option.Option<Cpr> => parseCpr(ctx.get(C.CPR_HEADER))

/** A handler for one citizen: a missing or malformed `X-KAS-CPR` header is a 400; inside, the parsed `Cpr`. */
const scoped =
  (handler: (ctx: Context, cpr: Cpr) => Promise<void>): Middleware =>
  async (ctx) => {
    const cpr = cprOf(ctx)
    if (Option.isNone(cpr)) return json(ctx, 400, C.cprHeaderRefusal)
    await handler(ctx, cpr.value)
  }

/**
 * The back-office REST API (selvbetjening.md §16) under `/rest/`, `/token/` and `/final_settlement/`: token
 * authentication for every method, CPR scoping, filters decoded with the contract Schemas, the atomic submission and
 * the representation token exchange. Mounted before the session middleware: no cookies are read or written here.
 */
export const restApi = (app: AppContext): Middleware => {
  const router = new Router()
  const run = app.run
  const tokens = restTokenCache({ ttlMs: REST_TOKEN_CACHE_MS })

  const authenticate: Middleware = async (ctx, next) => {
    const m = /^Token\s+(\S+)$/.exec(ctx.get("Authorization"))
    if (m === null) return json(ctx, 401, { detail: "Invalid token." })
    const ok = tokens(m[1]!, (token) =>
      run(
        ctx,
        Effect.flatMap(StaffUsers, (u) => u.byRestToken(token))
      ).then(Option.isSome)
    )
    if (ok === true || (await ok)) return next()
    return json(ctx, 401, { detail: "Invalid token." })
  }
  /** A filter's decoder, built once per resource (not per request); a refusal names every bad query parameter. */
  const filterOf = <A extends object, I>(schema: Schema.Schema<A, I>) => {
    const decode = Schema.decodeUnknownEither(schema)
    return (ctx: Context): Either.Either<A, Rest.Contract.BadRequest> =>
      Either.mapLeft(decode(ctx.query, { errors: "all" }), (e) => C.filterRefusal(fieldErrors(e)))
  }

  /**
   * A read-only resource of the contract: its list and its item by id. A scoped one (`scoped` in the contract) needs
   * the header's citizen; the others get the header's CPR when there is a valid one (pension companies: the citizen's
   * own ones too), else null.
   */
  const resource = <A extends object, I, O, OI>(
    { name, filter, item, scoped: citizen }: Rest.Contract.Resource<A, I, O, OI>,
    load: (cpr: Cpr | null, f: CitizenFilter) => Effect.Effect<ReadonlyArray<O>, unknown, CitizenData>
  ) => {
    const encode = Schema.encode(Schema.Array(item))
    const decodeFilter = filterOf(filter)
    const handle = (h: (ctx: Context, cpr: Cpr | null) => Promise<void>): Middleware =>
      citizen ? scoped(h) : (ctx) => h(ctx, Option.getOrNull(cprOf(ctx)))
    router.get(
      `/rest/${name}/`,
      handle(async (ctx, cpr) => {
        const f = decodeFilter(ctx)
        if (Either.isLeft(f)) return json(ctx, 400, f.left)
        json(ctx, 200, await run(ctx, load(cpr, f.right as CitizenFilter).pipe(Effect.flatMap(encode))))
      })
    )
    router.get(
      `/rest/${name}/:id/`,
      handle(async (ctx, cpr) => {
        const id = Number(ctx.params.id)
        if (!Number.isSafeInteger(id)) return json(ctx, 404, { detail: "Ikke fundet." })
        const rows = await run(ctx, load(cpr, { id }).pipe(Effect.flatMap(encode)))
        return rows[0] === undefined ? json(ctx, 404, { detail: "Ikke fundet." }) : json(ctx, 200, rows[0])
      })
    )
  }
  const data = <A, E>(f: (d: CitizenData) => Effect.Effect<A, E>) => Effect.flatMap(CitizenData, f)
  /** A scoped resource's loader: `resource` calls it with the header's `Cpr` only (`scoped` answered 400 without). */
  const citizenData =
    <A, E>(f: (d: CitizenData, cpr: Cpr) => Effect.Effect<A, E>) =>
    (cpr: Cpr | null) =>
      cpr === null ? Effect.dieMessage("a citizen resource without a CPR") : data((d) => f(d, cpr))
  const R = C.resources
  resource(R.taxYear, (_, f) => data((d) => d.taxYears(f)))
  resource(R.pensionCompany, (cpr, f) => data((d) => d.pensionCompanies(cpr, f)))
  resource(R.person, (cpr, f) => citizenData((d, c) => d.persons(c, f))(cpr))
  resource(R.personTaxYear, (cpr, f) => citizenData((d, c) => d.personTaxYears(c, f))(cpr))
  resource(R.policyTaxYear, (cpr, f) => citizenData((d, c) => d.policies(c, f))(cpr))
  resource(R.policyDocument, (cpr, f) => citizenData((d, c) => d.documents(c, f))(cpr))

  // The overview is sent as the JSON text PostgreSQL builds (migration 0014); the client decodes it with the Schema.
  const overview = app.runtime.runSync(CitizenOverview)
  const overviewFilter = filterOf(C.OverviewFilter)
  const overviewRoute = scoped(async (ctx, cpr) => {
    const f = overviewFilter(ctx)
    if (Either.isLeft(f)) return json(ctx, 400, f.left)
    ctx.status = 200
    ctx.type = "application/json"
    ctx.body = await overview.json(cpr, f.right.year)
  })
  router.get("/rest/overview/", overviewRoute)

  const submission = scoped(async (ctx, cpr) => {
    if (!isMultipart(ctx.req)) return json(ctx, 400, { errors: { data: ["Forventede multipart/form-data"] } })
    const body = await parseMultipart(ctx.req, {
      maxFileBytes: Rest.Uploads.MAX_FILE_BYTES,
      maxTotalBytes: Rest.Uploads.MAX_REQUEST_BYTES,
      tooLargeMessage: Rest.Uploads.uploadMessages.requestTooLarge
    })
    let raw: unknown
    try {
      raw = JSON.parse(body.fields.data?.[0] ?? "")
    } catch {
      return json(ctx, 400, { errors: { data: ["Ugyldig JSON"] } })
    }
    const decoded = Schema.decodeUnknownEither(C.Submission)(raw, { errors: "all" })
    if (Either.isLeft(decoded)) return json(ctx, 400, { errors: fieldErrors(decoded.left) })
    const files = new Map<string, UploadedFile>(
      body.files.map((f) => [f.field, { ...f, filename: Rest.Uploads.safeFileName(f.filename) }])
    )
    const result = await run(
      ctx,
      Effect.flatMap(SelfAssessmentSubmission, (s) => s.submit(cpr, decoded.right, files))
    )
    json(ctx, 200, Schema.encodeSync(C.SubmissionResult)(result))
  })
  router.post("/rest/submission/", submission)

  router.post("/token/", async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>
    const token = typeof body.token === "string" && body.token !== "" ? body.token : undefined
    const maxAge = app.settings.representationTokenMaxAge
    const exchanged = Effect.gen(function* () {
      const tokens = yield* RepresentationTokens
      const r = yield* tokens.exchange(token, maxAge, sessionSecondsOf(body))
      const names = yield* Effect.flatMap(StaffUsers, (u) => u.usernames([r.userId]))
      const answer: Rest.Contract.TokenExchange = {
        CPR: r.cpr,
        PersonName: r.personName,
        AdminUsername: names.get(r.userId) ?? "",
        AdminUserID: r.userId
      }
      return answer
    })
    json(ctx, 200, await run(ctx, exchanged))
  })

  // The portal's represented session was used (issue 13 item 4): the staff user's representation lives on with it.
  router.post("/token/extend/", async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>
    const userId = Number(body.user_id)
    if (!Number.isSafeInteger(userId)) return json(ctx, 400, { detail: "Invalid user_id" })
    const live = await run(
      ctx,
      Effect.flatMap(RepresentationTokens, (t) => t.extend(userId, sessionSecondsOf(body)))
    )
    return live ? json(ctx, 200, { detail: "ok" }) : json(ctx, 404, { detail: "No representation" })
  })

  const statement = async (ctx: Context) => {
    const year = Number(ctx.params.year)
    const cpr = Option.getOrNull(cprOf(ctx))
    if (cpr === null || cpr !== ctx.params.cpr || !Number.isSafeInteger(year)) return null
    return run(
      ctx,
      data((d) => d.finalStatement(cpr, year))
    )
  }
  router.get("/final_settlement/:year/:cpr/exists/", async (ctx) => {
    if ((await statement(ctx)) === null) return json(ctx, 404, { detail: "Ikke fundet." })
    ctx.type = "text/plain"
    ctx.body = "local"
  })
  router.get("/final_settlement/:year/:cpr/", async (ctx) => {
    const fileId = await statement(ctx)
    if (fileId === null) return json(ctx, 404, { detail: "Ikke fundet." })
    const file = await run(
      ctx,
      Effect.flatMap(FileStore, (s) => s.get(String(fileId)))
    )
    ctx.type = "application/pdf"
    ctx.set("Content-Disposition", contentDisposition("inline", `${ctx.params.year}_${ctx.params.cpr}.pdf`))
    ctx.body = Buffer.from(file.content)
  })

  const routes = router.routes()
  const methods = router.allowedMethods()
  const openapi = JSON.stringify(Rest.OpenApi.document())
  return async (ctx, next) => {
    if (!PREFIXES.some((p) => ctx.path.startsWith(p)) || isStaffStatementPath(ctx.path)) return next()
    if (ctx.path === "/rest/openapi.json" && ctx.method === "GET") {
      ctx.type = "application/json"
      ctx.body = openapi
      return
    }
    // The citizen overview, the one REST call of every portal page view, straight to its handler (the same one the
    // router has, after the same token check), without the router's matching and method check.
    if (ctx.path === "/rest/overview/" && ctx.method === "GET") return authenticate(ctx, () => overviewRoute(ctx, next))
    await authenticate(ctx, async () => {
      const routed = ctx as Parameters<typeof routes>[0]
      await routes(routed, async () => {
        await methods(routed as Parameters<typeof methods>[0], async () => undefined)
      })
      if (ctx.status === 404 && (ctx.body === undefined || ctx.body === null))
        json(ctx, 404, { detail: "Ikke fundet." })
    })
  }
}
