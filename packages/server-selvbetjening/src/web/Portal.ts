import { Cause, Effect, Either } from "effect"
import type { Context } from "koa"
import { Rest } from "@kas/core"
import { httpErrorOf } from "@kas/core/web"
import type { AppRuntime } from "../runtime.js"
import { selvbetjeningErrors } from "./errors.js"

type C = typeof Rest.Contract
type Policy = C["PolicyTaxYearOut"]["Type"]
type Company = C["PensionCompanyOut"]["Type"]

/**
 * Runs back-office calls for a request; a failure is answered as `selvbetjeningErrors` says (the back office being
 * unusable: the generic error page of §7.5). No abort signal: the calls are short and have their own timeout.
 */
export const makeRest =
  (runtime: AppRuntime, log: (m: string) => void) =>
  async <A>(ctx: Context, f: (client: Rest.KasRestClient["Type"]) => Effect.Effect<A, Rest.RestError>): Promise<A> => {
    const exit = await runtime.runPromiseExit(Effect.flatMap(Rest.KasRestClient, f))
    if (exit._tag === "Success") return exit.value
    throw httpErrorOf(selvbetjeningErrors, exit.cause, ctx, log)
  }

/** The runner type. */
export type RestRunner = ReturnType<typeof makeRest>

/**
 * The same for a call of the client's promise fast path (`overviewNow`: the page every citizen loads), without an
 * Effect fiber per request; a failure is answered and logged exactly as `makeRest` does.
 */
export const makeRestNow = (runtime: AppRuntime, log: (m: string) => void) => {
  const client = runtime.runSync(Rest.KasRestClient)
  return async <A>(
    ctx: Context,
    f: (client: Rest.KasRestClient["Type"]) => Promise<Either.Either<A, Rest.RestError>>
  ): Promise<A> => {
    const outcome = await f(client)
    if (Either.isRight(outcome)) return outcome.right
    throw httpErrorOf(selvbetjeningErrors, Cause.fail(outcome.left), ctx, log)
  }
}

/** The fast runner type. */
export type RestNowRunner = ReturnType<typeof makeRestNow>

/** "{company}, Police nr {policy}" texts need the companies by id. */
export const companyNames = (companies: ReadonlyArray<Company>): ReadonlyMap<number, string> =>
  new Map(companies.map((c) => [c.id, c.name ?? ""]))

// localeCompare with a locale builds a collator per call; one Danish collator compares the same.
const danish = new Intl.Collator("da")

/** Active policies sorted by company name, then number (§7.1). */
export const sortPolicies = (policies: ReadonlyArray<Policy>, names: ReadonlyMap<number, string>): Array<Policy> =>
  [...policies].sort(
    (a, b) =>
      danish.compare(names.get(a.pension_company) ?? "", names.get(b.pension_company) ?? "") ||
      a.policy_number.localeCompare(b.policy_number)
  )

/** "Opsummering" (§6.5): KAS-201 and KAS-205 over the active policies. */
export const summaryOf = (policies: ReadonlyArray<Policy>) => ({
  kas201: policies.reduce((s, p) => s + (p.self_reported_amount ?? p.prefilled_adjusted_amount ?? 0), 0),
  kas205: policies.reduce((s, p) => s + (p.preliminary_paid_amount ?? 0), 0)
})

/** Year tabs (§6.1): the newest three years, and the 4th newest for "Tidligere skatteår". */
export const tabsOf = (years: ReadonlyArray<number>) => {
  const sorted = [...years].sort((a, b) => b - a)
  return { tabs: sorted.slice(0, 3), prior: sorted[3] ?? null, older: sorted.slice(3) }
}
