import { describe, expect, it } from "vitest"
import { REST_TOKEN_CACHE_MS, restTokenCache } from "../../src/auth/RestTokenCache.js"

/** A token store the test changes, counting lookups, and a clock the test moves. */
const setup = () => {
  const live = new Set(["good", "other"])
  const looked: Array<string> = []
  const lookup = async (token: string) => {
    looked.push(token)
    return live.has(token)
  }
  let time = 1_000_000
  const check = restTokenCache({ ttlMs: REST_TOKEN_CACHE_MS, now: () => time })
  return { live, looked, lookup, check, advance: (ms: number) => (time += ms) }
}

describe("restTokenCache", () => {
  it("remembers a valid token for the cache time, then looks it up again and refuses it once revoked", async () => {
    const { live, looked, lookup, check, advance } = setup()
    expect(await check("good", lookup)).toBe(true)
    expect(check("good", lookup)).toBe(true) // remembered: no lookup
    live.delete("good") // revoked
    advance(REST_TOKEN_CACHE_MS - 1)
    expect(check("good", lookup)).toBe(true) // still within the cache time
    advance(1)
    expect(await check("good", lookup)).toBe(false) // refused at the latest REST_TOKEN_CACHE_MS after the revocation
    expect(await check("good", lookup)).toBe(false)
    expect(looked).toEqual(["good", "good", "good"])
  })

  it("never remembers an invalid token and keeps tokens apart", async () => {
    const { looked, lookup, check } = setup()
    expect(await check("bad", lookup)).toBe(false)
    expect(await check("bad", lookup)).toBe(false)
    expect(await check("good", lookup)).toBe(true)
    expect(await check("other", lookup)).toBe(true)
    expect(check("good", lookup)).toBe(true)
    expect(await check("goo", lookup)).toBe(false)
    expect(looked).toEqual(["bad", "bad", "good", "other", "goo"])
  })
})
