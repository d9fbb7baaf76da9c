import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as DafoAddress from "../../domain/DafoAddress.js"
import { Reasons } from "../../domain/History.js"
import { type AuditAuthor, setAuditContextOn } from "./Audit.js"

/** What one Datafordeler refresh changed (for the census import's summary). */
export interface DafoApplied {
  readonly answered: number
  readonly addressesUpdated: number
  readonly dead: number
  readonly invalid: number
}

/**
 * The effects of a Datafordeler answer on persons (integrations.md §4.3), set-based in one transaction: the
 * DafoAddress cache upserted, the status (Dead / Alive), the person's address overwritten where the Datafordeler
 * address is better (`updated_from_dafo`), and the requested CPRs missing from the answer marked Invalid unless
 * Dead. Person writes are audited "Opdateret fra Datafordeler".
 */
export class DafoAddresses extends Effect.Service<DafoAddresses>()("@kas/core/DafoAddresses", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      apply: Effect.fn("DafoAddresses.apply")(function* (
        requested: ReadonlyArray<string>,
        answers: Readonly<Record<string, DafoAddress.DafoAnswer>>,
        author: AuditAuthor
      ) {
        const answered = requested.filter((cpr) => answers[cpr] !== undefined)
        const missing = requested.filter((cpr) => answers[cpr] === undefined)
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* setAuditContextOn(sql, author, Reasons.updatedFromDafo)
            const rows = answered.map((cpr) => ({
              cpr,
              answer: answers[cpr]!,
              dafo: DafoAddress.addressOf(answers[cpr]!)
            }))
            if (rows.length > 0) {
              yield* sql.unsafe(
                `insert into kas.dafo_address (cpr, name, address, postal_area, co, full_address)
                 select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                 on conflict (cpr) do update set name = excluded.name, address = excluded.address,
                   postal_area = excluded.postal_area, co = excluded.co, full_address = excluded.full_address`,
                [
                  rows.map((r) => r.cpr),
                  rows.map((r) => r.dafo.name),
                  rows.map((r) => r.dafo.address),
                  rows.map((r) => r.dafo.postal_area),
                  rows.map((r) => r.dafo.co),
                  rows.map((r) => r.dafo.full_address)
                ]
              )
            }
            const persons = yield* sql.unsafe<{
              cpr: string
              name: string | null
              address_line_2: string | null
              address_line_4: string | null
            }>(`select cpr, name, address_line_2, address_line_4 from kas.person where cpr = any($1::text[])`, [
              answered
            ])
            const byCpr = new Map(persons.map((p) => [p.cpr, p]))
            const present = rows.filter((r) => byCpr.has(r.cpr))
            const better = present.filter((r) => DafoAddress.isBetter(r.dafo, byCpr.get(r.cpr)!))
            const statuses = present.map((r) => DafoAddress.statusOf(r.answer))
            // One update per person: the status always, the address lines only where the address is better.
            const betterSet = new Set(better.map((r) => r.cpr))
            const overwrite = present.map((r) =>
              betterSet.has(r.cpr) ? DafoAddress.overwriteOf(r.dafo, r.answer) : null
            )
            if (present.length > 0) {
              yield* sql.unsafe(
                `update kas.person p set status = u.status,
                   name = case when u.better then u.name else p.name end,
                   address_line_1 = case when u.better then u.l1 else p.address_line_1 end,
                   address_line_2 = case when u.better then u.l2 else p.address_line_2 end,
                   address_line_4 = case when u.better then u.l4 else p.address_line_4 end,
                   address_line_5 = case when u.better then u.l5 else p.address_line_5 end,
                   full_address = case when u.better then u.fulladdr else p.full_address end,
                   updated_from_dafo = p.updated_from_dafo or u.better
                 from unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::text[]) as u(cpr, status, better, name, l1, l2, l4, l5, fulladdr)
                 where p.cpr = u.cpr
                   and (p.status, p.name, p.address_line_1, p.address_line_2, p.address_line_4, p.address_line_5,
                     p.full_address, p.updated_from_dafo) is distinct from
                     (u.status, case when u.better then u.name else p.name end,
                      case when u.better then u.l1 else p.address_line_1 end,
                      case when u.better then u.l2 else p.address_line_2 end,
                      case when u.better then u.l4 else p.address_line_4 end,
                      case when u.better then u.l5 else p.address_line_5 end,
                      case when u.better then u.fulladdr else p.full_address end, p.updated_from_dafo or u.better)`,
                [
                  present.map((r) => r.cpr),
                  statuses,
                  overwrite.map((o) => o !== null),
                  overwrite.map((o) => o?.name ?? null),
                  overwrite.map((o) => o?.address_line_1 ?? null),
                  overwrite.map((o) => o?.address_line_2 ?? null),
                  overwrite.map((o) => o?.address_line_4 ?? null),
                  overwrite.map((o) => o?.address_line_5 ?? null),
                  overwrite.map((o) => o?.full_address ?? null)
                ]
              )
            }
            const invalid =
              missing.length === 0
                ? []
                : yield* sql.unsafe<{ cpr: string }>(
                    `update kas.person set status = 'Invalid'
                     where cpr = any($1::text[]) and status not in ('Dead', 'Invalid') returning cpr`,
                    [missing]
                  )
            return {
              answered: answered.length,
              addressesUpdated: better.length,
              dead: statuses.filter((s) => s === "Dead").length,
              invalid: invalid.length
            } satisfies DafoApplied
          })
        )
      })
    }
  })
}) {}
