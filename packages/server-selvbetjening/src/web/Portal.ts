import { Effect } from "effect"
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

/** "{company}, Police nr {policy}" texts need the companies by id. */
export const companyNames = (companies: ReadonlyArray<Company>): ReadonlyMap<number, string> =>
  new Map(companies.map((c) => [c.id, c.name ?? ""]))

/** Active policies sorted by company name, then number (§7.1). */
export const sortPolicies = (policies: ReadonlyArray<Policy>, names: ReadonlyMap<number, string>): Array<Policy> =>
  [...policies].sort(
    (a, b) =>
      (names.get(a.pension_company) ?? "").localeCompare(names.get(b.pension_company) ?? "", "da") ||
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
