import { assert, describe, it } from "@effect/vitest"
import { EmbeddedPostgres } from "@kas/core"
import { Effect, Exit, Option, Redacted, Stream } from "effect"
import { EskatSource, layerLive } from "../src/index.js"
import type { OracleDriver } from "../src/EskatLive.js"

const settings = (port: number) => ({
  source: "live" as const,
  host: Option.some("127.0.0.1"),
  port,
  database: Option.some("DBSERVICE_AKA_KAS"),
  user: Option.some("kas"),
  password: Option.some(Redacted.make("secret"))
})

const readOnce = EskatSource.pipe(Effect.flatMap((s) => Stream.runDrain(s.census({ year: 2024 }))))

describe("EskatSource live layer", () => {
  it.live("Oracle unreachable: fails within the connect timeout, naming the host (real oracledb, thin mode)", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(() => EmbeddedPostgres.freePort())
      const exit = yield* readOnce.pipe(
        Effect.provide(layerLive(settings(port))),
        Effect.timeout("30 seconds"),
        Effect.exit
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        assert.strictEqual(error?._tag, "EskatError")
        if (error?._tag === "EskatError") {
          assert.strictEqual(error.reason, "unreachable")
          assert.include(error.message, `127.0.0.1:${port}`)
        }
      }
    })
  )

  it.live("login refused: a failure that says so and names host and user", () =>
    Effect.gen(function* () {
      const driver: OracleDriver = {
        OUT_FORMAT_ARRAY: 4001,
        createPool: async () => ({
          getConnection: () => Promise.reject(new Error("ORA-01017: invalid username/password; logon denied")),
          close: async () => undefined
        })
      }
      const error = yield* readOnce.pipe(Effect.provide(layerLive(settings(1521), Effect.succeed(driver))), Effect.flip)
      assert.strictEqual(error._tag, "EskatError")
      if (error._tag === "EskatError") {
        assert.strictEqual(error.reason, "login-refused")
        assert.include(error.message, "127.0.0.1:1521")
        assert.include(error.message, "kas")
      }
    })
  )

  it.live("nothing connects until a view is read; missing settings name the variable", () =>
    Effect.gen(function* () {
      let pools = 0
      const driver: OracleDriver = {
        OUT_FORMAT_ARRAY: 4001,
        createPool: async () => {
          pools++
          return { getConnection: () => Promise.reject(new Error("unused")), close: async () => undefined }
        }
      }
      yield* Effect.provide(EskatSource, layerLive(settings(1521), Effect.succeed(driver)))
      assert.strictEqual(pools, 0)
      const error = yield* Effect.flip(
        Effect.provide(EskatSource, layerLive({ ...settings(1521), host: Option.none() }))
      )
      assert.include(error.message, "ESKAT_HOST")
    })
  )
})
