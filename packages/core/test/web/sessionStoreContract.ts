import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { SessionStore } from "../../src/web/index.js"

/** A store under test and how to let go of what it holds (pools, runtimes). */
export interface StoreUnderTest {
  readonly store: SessionStore
  readonly close: () => Promise<void>
}

const id = () => randomBytes(16).toString("hex")
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000)

/**
 * The contract of a `SessionStore` (one suite, applied to every implementation): what is saved is loaded as it was
 * until it expires or is destroyed; saving again replaces data and expiry; ids are separate.
 */
export const sessionStoreContract = (name: string, make: () => Promise<StoreUnderTest>) =>
  describe(`SessionStore contract: ${name}`, () => {
    let subject: StoreUnderTest
    beforeAll(async () => {
      subject = await make()
    })
    afterAll(() => subject?.close())

    it("an unknown id loads nothing", async () => {
      expect(await subject.store.load(id())).toBeUndefined()
    })

    it("loads what was saved, JSON as it was (nested values, Danish and Greenlandic text)", async () => {
      const s = id()
      const data = { user: 7, next: "/worker/jobs/?side=2", nested: { æøå: ["Nuuk", 2.5, null, true] }, _exp: 1 }
      await subject.store.save(s, data, inMinutes(10))
      expect(await subject.store.load(s)).toEqual(data)
    })

    it("saving again replaces the data and the expiry", async () => {
      const s = id()
      await subject.store.save(s, { step: 1, keep: "x" }, inMinutes(10))
      await subject.store.save(s, { step: 2 }, inMinutes(-1))
      expect(await subject.store.load(s)).toBeUndefined()
      await subject.store.save(s, { step: 3 }, inMinutes(10))
      expect(await subject.store.load(s)).toEqual({ step: 3 })
    })

    it("an expired session loads nothing", async () => {
      const s = id()
      await subject.store.save(s, { user: 1 }, new Date(Date.now() - 1000))
      expect(await subject.store.load(s)).toBeUndefined()
    })

    it("destroy removes one session, leaves the others, and accepts an unknown id", async () => {
      const [a, b] = [id(), id()]
      await subject.store.save(a, { who: "a" }, inMinutes(10))
      await subject.store.save(b, { who: "b" }, inMinutes(10))
      await subject.store.destroy(a)
      await subject.store.destroy(id())
      expect(await subject.store.load(a)).toBeUndefined()
      expect(await subject.store.load(b)).toEqual({ who: "b" })
    })
  })
