import { Effect } from "effect"
import pg from "pg"
import type { EskatError } from "../../src/EskatError.js"
import type { OracleConnection, OracleDriver } from "../../src/EskatLive.js"

/**
 * A stand-in for `oracledb` at the driver boundary: it runs the live layer's SQL text on the PostgreSQL mock tables
 * (only the bind syntax `:n` becomes `$n`) and hands the values back the way Oracle's thin driver does: GUIDs as
 * 16-byte RAW buffers, NUMBER columns as JavaScript numbers, '' as null, rows as arrays. Every query text it was
 * given is recorded.
 */
export const standIn = (url: string, queries: Array<string> = []): Effect.Effect<OracleDriver, EskatError> =>
  Effect.succeed({
    OUT_FORMAT_ARRAY: 4001,
    createPool: async () => {
      const clients: Array<pg.Client> = []
      return {
        getConnection: async () => {
          const client = new pg.Client({ connectionString: url })
          await client.connect()
          await client.query("set search_path to eskat_mock")
          clients.push(client)
          const conn: OracleConnection = {
            execute: async (text, binds, options) => {
              if (options.outFormat !== 4001) throw new Error("the live layer must ask for rows as arrays")
              queries.push(text)
              const params = binds.map((b) => (Buffer.isBuffer(b) ? toUuid(b) : b))
              const result = await client.query({
                text: text.replace(/:(\d+)/g, "$$$1"),
                values: params,
                rowMode: "array"
              })
              const types = result.fields.map((f) => f.dataTypeID)
              return { rows: result.rows.map((row: Array<unknown>) => row.map((v, i) => oracleValue(v, types[i]))) }
            },
            close: async () => {
              await client.end()
            }
          }
          return conn
        },
        close: async () => {
          await Promise.all(clients.map((c) => c.end().catch(() => undefined)))
        }
      }
    }
  })

const UUID_OID = 2950
const NUMERIC_OID = 1700

const toUuid = (b: Buffer) => {
  const h = b.toString("hex")
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

const oracleValue = (v: unknown, type: number | undefined): unknown => {
  if (v === null || v === "") return null
  if (type === UUID_OID && typeof v === "string") return Buffer.from(v.replaceAll("-", ""), "hex")
  if (type === NUMERIC_OID && typeof v === "string") return Number(v)
  return v
}
