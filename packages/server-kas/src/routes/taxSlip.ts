import Router from "@koa/router"
import { NotFound, Persons, TaxSlips } from "@kas/core"
import { contentDisposition } from "@kas/core/web"
import { Effect, Schema } from "effect"
import type { AppContext } from "../web/AppContext.js"
import { decodeParams, PathId } from "../web/Params.js"
import { requirePermission } from "../web/StaffAuth.js"

const PageParams = Schema.Struct({ year: PathId, personId: PathId })

/** The newest tax slip of a person's year and the download's name (decision: `selvangivelse_{year}_{cpr}.pdf`). */
const loadTaxSlip = (year: number, personId: number) =>
  Effect.gen(function* () {
    const persons = yield* Persons
    const person = yield* persons.get(personId)
    const personYear = yield* persons.findPersonTaxYear(person.cpr, year)
    if (personYear === null) return yield* Effect.fail(NotFound.of("Personskatteår", `${person.cpr}/${year}`))
    const file = yield* Effect.flatMap(TaxSlips, (t) => t.latestFile(personYear.id))
    return { file, name: `selvangivelse_${year}_${person.cpr}.pdf` }
  })

/** "Hent selvangivelse PDF" (staff-web.md §6.4) [taxslip.view]: the person-year's newest tax slip as a PDF. */
export const taxSlipRoutes = (app: AppContext) => {
  const router = new Router()
  router.get("/tax_year/:year/persons/:personId/pdf/", requirePermission("taxslip.view"), async (ctx) => {
    const { year, personId } = decodeParams(PageParams, ctx.params)
    const { file, name } = await app.run(ctx, loadTaxSlip(year, personId))
    ctx.type = "application/pdf"
    ctx.set("Content-Disposition", contentDisposition("attachment", name))
    ctx.set("Cache-Control", "private, no-store")
    ctx.body = Buffer.from(file.content)
  })
  return router
}
