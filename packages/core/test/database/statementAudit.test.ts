import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import migration0026 from "../../src/database/migrations/0026_kas_history_statements.js"
import { History } from "../../src/index.js"
import { domainLayer, personWithYears } from "./fixtures.js"

/**
 * Migration 0026: final statements and transactions are audited from then on, and the rows that existed before get
 * their history from what they hold (a sent statement: unsent at its creation, as it is at its sending).
 */
describe("audit of final statements and transactions (0026)", () => {
  it.layer(domainLayer)((it) => {
    it.effect("the existing rows get their history; later changes are audited", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const history = yield* History
        // The database as it was before 0026: no triggers, no entries.
        yield* sql.unsafe(`
          drop trigger final_statement_audit_insert on kas.final_statement;
          drop trigger final_statement_audit_update on kas.final_statement;
          drop trigger final_statement_audit_delete on kas.final_statement;
          drop trigger transaction_audit_insert on kas.transaction;
          drop trigger transaction_audit_update on kas.transaction;
          drop trigger transaction_audit_delete on kas.transaction;
          drop index kas.history_statement_person_tax_year;`)
        const { personTaxYears } = yield* personWithYears("0808088888", [2023])
        const pty = personTaxYears.get(2023)!
        const [file] = yield* sql<{ id: string }>`insert into kas.file (kind, folder, name, size, content)
          values ('final_statement', 'final_statement', 's.pdf', 1, 'x') returning id::text as id`
        const statement = (created: string, sent: string | null, invalid: boolean) =>
          sql<{ uuid: string }>`insert into kas.final_statement (person_tax_year_id, lock_id, pdf_file_id, created_at,
              send_at, status, message_id, invalid)
            select ${pty}, l.id, ${file!.id}::uuid, ${created}::timestamptz, ${sent}::timestamptz,
              ${sent === null ? "created" : "send"}, ${sent === null ? null : "m-1"}, ${invalid}
            from kas.lock l join kas.person_tax_year p on p.tax_year_id = l.tax_year_id where p.id = ${pty}
            returning uuid::text as uuid`.pipe(Effect.map((r) => r[0]!.uuid))
        const sent = yield* statement("2024-03-01T10:00:00Z", "2024-03-05T10:00:00Z", false)
        const unsent = yield* statement("2024-04-01T10:00:00Z", null, true)
        const [charge] = yield* sql<{ uuid: string }>`insert into kas.transaction (person_tax_year_id, amount, type,
            final_statement_uuid, created_at, status)
          values (${pty}, 700, 'prisme10q', ${sent}::uuid, '2024-03-01T10:00:00Z', 'transferred')
          returning uuid::text as uuid`
        const before = yield* sql<{ n: number }>`select count(*)::int as n from kas.history
          where entity_type in ('FinalStatement', 'Transaction')`
        assert.strictEqual(before[0]!.n, 0)

        yield* migration0026

        const entries = yield* sql<{ entity_id: string; history_type: string; at: Date; status: string }>`
          select entity_id, history_type, history_date as at, snapshot ->> 'status' as status from kas.history
          where entity_type in ('FinalStatement', 'Transaction') order by history_date, history_id`
        assert.deepStrictEqual(
          entries.map((e) => [e.entity_id, e.history_type, e.at.toISOString(), e.status]),
          [
            [sent, "+", "2024-03-01T10:00:00.000Z", "created"],
            [charge!.uuid, "+", "2024-03-01T10:00:00.000Z", "transferred"],
            [sent, "~", "2024-03-05T10:00:00.000Z", "send"],
            [unsent, "+", "2024-04-01T10:00:00.000Z", "created"]
          ]
        )
        // Between creation and sending the statement was not sent yet; the unsent one did not exist.
        const march = yield* history.statementsAt(pty, new Date("2024-03-02T00:00:00Z"))
        assert.deepStrictEqual(
          march.statements.map((s) => [s.uuid, s.status, s.send_at, s.message_id]),
          [[sent, "created", null, null]]
        )
        const may = yield* history.statementsAt(pty, new Date("2024-05-01T00:00:00Z"))
        assert.deepStrictEqual(
          may.statements.map((s) => [s.uuid, s.status, s.invalid]),
          [
            [unsent, "created", true],
            [sent, "send", false]
          ]
        )
        assert.deepStrictEqual(
          may.transactions.map((t) => t.uuid),
          [charge!.uuid]
        )
        // From now on changes are audited.
        yield* sql`update kas.transaction set status = 'cancelled' where uuid = ${charge!.uuid}::uuid`
        const latest = yield* history.stateAt("Transaction", charge!.uuid, new Date(Date.now() + 60_000))
        assert.deepStrictEqual([latest?.history_type, latest?.snapshot.status], ["~", "cancelled"])
      })
    )
  })
})
