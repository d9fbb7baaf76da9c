import Router from "@koa/router"
import { Effect } from "effect"
import type { Context } from "koa"
import { DaysInYear, type KasConfig, PolicyNumber, SelfServicePeriod } from "@kas/core"
import type { UploadedFile } from "@kas/core/web"
import { type FormErrors, type FormValues, mapBackOfficeErrors, readEditForm } from "../form/EditForm.js"
import { updatedBy } from "../web/Citizen.js"
import { companyNames, type RestRunner, sortPolicies } from "../web/Portal.js"

declare module "koa" {
  interface DefaultState {
    /** Files of a multipart form post (read before the CSRF check). */
    uploads?: ReadonlyArray<UploadedFile>
  }
}

/**
 * The self-assessment form for the edit year (selvbetjening.md §7, §9). The close date and the tax-year period are
 * checked on the server for GET and POST; existing policies are the ones loaded for the session's CPR.
 */
export const editRoutes = (
  settings: KasConfig.SelvbetjeningConfig.SelvbetjeningSettings,
  rest: RestRunner,
  log: (m: string) => void
) => {
  const router = new Router()

  /** §7.1 entry checks; on failure the redirect is done and undefined returned. */
  const load = async (ctx: Context) => {
    const today = SelfServicePeriod.today(settings.timezone)
    const year = SelfServicePeriod.editYear(today)
    if (SelfServicePeriod.closedByDate(settings, today)) {
      ctx.redirect("/policy/closed/")
      return undefined
    }
    const cpr = ctx.state.citizen!.cpr
    const loaded = await rest(ctx, (c) =>
      Effect.all(
        [
          c.taxYears({ year }),
          c.personTaxYears(cpr, { year }),
          c.policies(cpr, { year, active: true }),
          c.pensionCompanies(cpr)
        ],
        { concurrency: "unbounded" }
      )
    )
    const [taxYears, years, policies, companies] = loaded
    if (!SelfServicePeriod.periodOpen(taxYears[0]?.year_part)) {
      ctx.redirect("/policy/closed/")
      return undefined
    }
    if (years.length !== 1) {
      log(`warning: CPR ${cpr} has ${years.length} person-years for ${year}`)
      ctx.redirect("/policy/no_person_data/")
      return undefined
    }
    const names = companyNames(companies)
    const sortedCompanies = [...companies].sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "", "da"))
    return { year, pty: years[0]!, policies: sortPolicies(policies, names), names, companies: sortedCompanies }
  }

  const render = async (
    ctx: Context,
    data: NonNullable<Awaited<ReturnType<typeof load>>>,
    errors: FormErrors,
    values: FormValues,
    status?: number
  ) => {
    const open = new Set<string>()
    for (const field of Object.keys(errors))
      open.add(field.startsWith("new-") ? "new" : (/^p(\d+)-/.exec(field)?.[1] ?? ""))
    if (open.size === 0) open.add(data.policies[0] ? String(data.policies[0].id) : "new")
    await ctx.render(
      "policy/edit",
      {
        title: ctx.state.t!("editButton"),
        ...data,
        daysInYear: DaysInYear.daysInYear(data.year),
        maxPolicyNumber: PolicyNumber.MAX_LENGTH,
        errors,
        values,
        open
      },
      status
    )
  }

  router.get("/policy/edit/", async (ctx) => {
    const data = await load(ctx)
    if (data) await render(ctx, data, {}, {})
  })

  router.post("/policy/edit/", async (ctx) => {
    const data = await load(ctx)
    if (!data) return
    const body = (ctx.request.body ?? {}) as Record<string, unknown>
    const values: FormValues = Object.fromEntries(
      Object.entries(body).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : []))
    )
    const form = readEditForm({
      t: ctx.state.t!,
      fields: values,
      uploads: ctx.state.uploads ?? [],
      policies: data.policies,
      companyIds: new Set(data.companies.map((c) => c.id)),
      year: data.year,
      updatedBy: updatedBy(ctx.state.citizen!)
    })
    if (Object.keys(form.errors).length > 0) return render(ctx, data, form.errors, values, 400)
    const cpr = ctx.state.citizen!.cpr
    const outcome = await rest(ctx, (c) => c.submit(cpr, form.submission, form.files))
    if (outcome._tag === "Ok") return ctx.redirect("/policy/submitted/")
    if (outcome._tag === "Invalid")
      return render(ctx, data, mapBackOfficeErrors(outcome.errors, form.pathToField), values, 400)
    if (outcome.status === 409) return ctx.redirect("/policy/closed/")
    if (outcome.status === 413) return render(ctx, data, { __form: [ctx.state.t!("requestTooLarge")] }, values, 400)
    return ctx.redirect("/policy/no_person_data/")
  })
  return router
}
