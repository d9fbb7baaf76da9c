import { describe, expect, it } from "vitest"
import { batched } from "../../../src/database/internal/Batches.js"

/** A load whose calls are recorded and answered when the test says so. */
const controlledLoad = () => {
  const calls: Array<{ keys: ReadonlyArray<string>; group: number; answer: (m: Map<string, string>) => void }> = []
  const fails: Array<(e: unknown) => void> = []
  const load = (keys: ReadonlyArray<string>, group: number) =>
    new Promise<ReadonlyMap<string, string>>((resolve, reject) => {
      calls.push({ keys, group, answer: resolve })
      fails.push(reject)
    })
  return { calls, fails, load }
}

/** Lets pending loads start: the current microtasks, then the loader's turn of the event loop. */
const turn = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r))
}
const valuesOf = (keys: ReadonlyArray<string>, group: number) => new Map(keys.map((k) => [k, `${k}@${group}`]))

describe("batched", () => {
  it("loads a lone call at once and gathers the calls made while loads run, each with its key's value", async () => {
    const { calls, load } = controlledLoad()
    const read = batched(load, { concurrency: 1 })
    const first = read("a", 1)
    await turn()
    expect(calls.map((c) => c.keys)).toEqual([["a"]])
    const later = [read("b", 1), read("c", 1), read("b", 1), read("d", 2)]
    await turn()
    expect(calls).toHaveLength(1) // the one allowed load is running: the others wait
    calls[0]!.answer(valuesOf(calls[0]!.keys, 1))
    expect(await first).toBe("a@1")
    await turn()
    expect(calls.map((c) => [c.keys, c.group])).toEqual([
      [["a"], 1],
      [["b", "c", "b"], 1]
    ])
    calls[1]!.answer(valuesOf(calls[1]!.keys, 1))
    await turn()
    expect(calls.map((c) => [c.keys, c.group])[2]).toEqual([["d"], 2]) // another group: its own load
    calls[2]!.answer(valuesOf(calls[2]!.keys, 2))
    expect(await Promise.all(later)).toEqual(["b@1", "c@1", "b@1", "d@2"])
  })

  it("fails the calls of a failed load and a call whose key the load did not answer, and goes on loading", async () => {
    const { calls, fails, load } = controlledLoad()
    const read = batched(load, { concurrency: 1 })
    const failed = [read("a", 1), read("b", 1)].map((p) => p.then(String, (e: unknown) => `failed: ${String(e)}`))
    await turn()
    fails[0]!(new Error("connection lost"))
    expect(await Promise.all(failed)).toEqual(["failed: Error: connection lost", "failed: Error: connection lost"])
    const partly = [read("c", 1), read("missing", 1)].map((p) => p.then(String, () => "failed"))
    await turn()
    calls[1]!.answer(new Map([["c", "c@1"]]))
    expect(await Promise.all(partly)).toEqual(["c@1", "failed"])
  })

  it("puts at most maxKeys calls in one load", async () => {
    const { calls, load } = controlledLoad()
    const read = batched(load, { concurrency: 2, maxKeys: 2 })
    const all = ["a", "b", "c", "d", "e"].map((k) => read(k, 1))
    await turn()
    expect(calls.map((c) => c.keys)).toEqual([
      ["a", "b"],
      ["c", "d"]
    ])
    for (const c of calls.splice(0)) c.answer(valuesOf(c.keys, 1))
    await turn()
    expect(calls.map((c) => c.keys)).toEqual([["e"]])
    calls[0]!.answer(valuesOf(calls[0]!.keys, 1))
    expect(await Promise.all(all)).toEqual(["a@1", "b@1", "c@1", "d@1", "e@1"])
  })
})
