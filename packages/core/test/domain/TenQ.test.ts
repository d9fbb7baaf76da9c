import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { DomainRuleError, TenQ } from "../../src/index.js"

// Records computed by hand from integrations.md §2.5 (GE550010Q version 15); the renderer must match byte for byte.
const at = new Date("2024-03-05T14:07:59Z")
const settings = { projectId: "KAS", now: () => at }
const uuid = "0b3f4a5e-1c2d-4e6f-8a9b-0c1d2e3f4a5b"
const blanks = (n: number) => " ".repeat(n)

// leverandoer_ident, trans_type, time_stamp, bruger_nummer, omraade_nummer, betal_art, paalign_aar, debitor, sag.
const prefix2023 = (type: string, cpr: string) =>
  ` KAS${type}0202403051407` + "0900" + "023" + "209" + "2023" + cpr + "00"

describe("10Q records (integrations.md §2.5)", () => {
  it.effect("a charge: type 10, 24 and one 26 per rate text line, empty lines included, CRLF between", () =>
    Effect.gen(function* () {
      const out = yield* TenQ.render(
        { uuid, amount: 1683, cpr: "0101014444", year: 2023, rateText: "Linje 1\n\nLinje 3", dueDate: "2024-09-01" },
        settings
      )
      const lines = out.split("\r\n")
      assert.strictEqual(lines.length, 5)
      assert.strictEqual(lines[0], " KAS100202403051407090002320920230101014444000101014444")
      assert.strictEqual(lines[0]!.length, 55)
      const type24 =
        prefix2023("24", "0101014444") +
        "20" +
        "999" +
        "0000168300+" +
        "1" +
        "0000000000+" +
        "1" +
        "20240920" + // opkraev_dato: 20 September 2024 is a Friday
        "20240901" + // forfald_dato
        "20240920" +
        "20240920" +
        "000" +
        blanks(3) +
        blanks(1) +
        blanks(35) +
        "20240901" + // stiftelse_dato = the due date
        "20230101" +
        "20231231" +
        blanks(4) +
        blanks(100) +
        "   0b3f4a5e1c2d4e6f8a9b0c1d2e3f4a5b"
      assert.strictEqual(lines[1], type24)
      assert.strictEqual(lines[1]!.length, 311)
      assert.strictEqual(lines[2], `${prefix2023("26", "0101014444")}20999001Linje 1`)
      assert.strictEqual(lines[3], `${prefix2023("26", "0101014444")}20999002`)
      assert.strictEqual(lines[4], `${prefix2023("26", "0101014444")}20999003Linje 3`)
      assert.notInclude(out, "\n\n")
      assert.isFalse(out.endsWith("\r\n"))
    })
  )

  it.effect("a refund: negative amount with a - sign; a short CPR is zero-padded; no rate text, no 26 lines", () =>
    Effect.gen(function* () {
      const out = yield* TenQ.render(
        { uuid, amount: -250, cpr: "101014444", year: 2021, rateText: "", dueDate: "2025-09-01" },
        settings
      )
      const lines = out.split("\r\n")
      assert.strictEqual(lines.length, 2)
      // debitor_nummer is zero-padded; person_nummer is the CPR right-justified like every field.
      assert.strictEqual(lines[0], " KAS10020240305140709000212092021010101444400 101014444")
      // 20 September 2025 is a Saturday: the last payment date moves to Monday the 22nd.
      assert.strictEqual(
        lines[1]!.slice(45, 45 + 2 + 3 + 11 + 1 + 11 + 1 + 32),
        "20" + "999" + "0000025000-" + "1" + "0000000000+" + "1" + "20250922" + "20250901" + "20250922" + "20250922"
      )
    })
  )

  it("last payment date: the 20th, a Sunday moves to Monday the 21st", () => {
    assert.strictEqual(TenQ.lastPaymentDate("2026-09-01"), "2026-09-21")
    assert.strictEqual(TenQ.lastPaymentDate("2024-12-31"), "2024-12-20")
    assert.strictEqual(TenQ.lastPaymentDate("2025-09-01"), "2025-09-22")
  })

  it.effect("a long rate text line is cut at 60 characters; 1 kr. and 0 kr. amounts", () =>
    Effect.gen(function* () {
      const long = "x".repeat(59) + "yz"
      const out = yield* TenQ.render(
        { uuid, amount: 1, cpr: "0101014444", year: 2023, rateText: `${long}\r\nkort\n`, dueDate: "2024-09-01" },
        settings
      )
      const lines = out.split("\r\n")
      assert.strictEqual(lines.length, 4)
      assert.strictEqual(lines[1]!.slice(50, 61), "0000000100+")
      assert.strictEqual(lines[2], `${prefix2023("26", "0101014444")}20999001${"x".repeat(59)}y`)
      assert.strictEqual(lines[3], `${prefix2023("26", "0101014444")}20999002kort`)
      const zero = yield* TenQ.render(
        { uuid, amount: 0, cpr: "0101014444", year: 2023, rateText: "", dueDate: "2024-09-01" },
        settings
      )
      assert.strictEqual(zero.split("\r\n")[1]!.slice(50, 61), "0000000000+")
    })
  )

  it.effect("a value wider than its field is a DomainRuleError naming the field", () =>
    Effect.gen(function* () {
      const base = { uuid, amount: 10, cpr: "0101014444", year: 2023, rateText: "", dueDate: "2024-09-01" }
      const wideProject = yield* Effect.exit(TenQ.render(base, { ...settings, projectId: "KAS10" }))
      assert.isTrue(
        Exit.isFailure(wideProject) &&
          wideProject.cause._tag === "Fail" &&
          wideProject.cause.error instanceof DomainRuleError &&
          /leverandoer_ident/.test(wideProject.cause.error.message)
      )
      const wideAmount = yield* Effect.exit(TenQ.render({ ...base, amount: 100_000_000_000 }, settings))
      assert.isTrue(Exit.isFailure(wideAmount))
      const wideCpr = yield* Effect.exit(TenQ.render({ ...base, cpr: "01010144441" }, settings))
      assert.isTrue(Exit.isFailure(wideCpr))
      // The largest amount that fits: 99 999 999.99 kr. is not whole kroner; 99 999 999 kr. = 9 999 999 900 øre.
      const widest = yield* TenQ.render({ ...base, amount: -99_999_999 }, settings)
      assert.strictEqual(widest.split("\r\n")[1]!.slice(50, 61), "9999999900-")
    })
  )
})
