import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { FileStore, FileStoreError, NotFound } from "../../../src/index.js"
import { TestDatabase } from "../../../src/testing/index.js"

const content = new TextEncoder().encode("%PDF-1.4 bilag")

/** The failure of `exit`, or a test failure when it succeeded or died. */
const failureOf = <E>(exit: Exit.Exit<unknown, E>): E => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a failure")
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  return failure ?? assert.fail(`expected a typed failure, got ${exit.cause._tag}`)
}

describe("FileStore (kas.file)", () => {
  it.layer(FileStore.layerPostgres.pipe(Layer.provideMerge(TestDatabase.layer)))((it) => {
    it.effect("stores, reads and deletes a file; the folder is the kind and year", () =>
      Effect.gen(function* () {
        const store = yield* FileStore
        const id = yield* store.put({ kind: "policy_document", year: 2024, name: "bilag.pdf", content })
        const file = yield* store.get(id)
        assert.deepStrictEqual(
          { name: file.name, folder: file.folder, contentType: file.contentType },
          { name: "bilag.pdf", folder: "policy_document/2024", contentType: "application/octet-stream" }
        )
        assert.deepStrictEqual([...file.content], [...content])
        yield* store.remove(id)
        yield* store.remove(id) // nothing to delete: no error
        const gone = failureOf(yield* Effect.exit(store.get(id)))
        assert.instanceOf(gone, NotFound)
      })
    )

    it.effect("input the storage refuses is a FileStoreError with reason InvalidInput, not an SqlError", () =>
      Effect.gen(function* () {
        const store = yield* FileStore
        const badId = failureOf(yield* Effect.exit(store.get("not-a-uuid")))
        assert.instanceOf(badId, FileStoreError)
        assert.include(badId, { reason: "InvalidInput", method: "get" })
        const badName = failureOf(yield* Effect.exit(store.put({ kind: "policy_document", name: "a\u0000b", content })))
        assert.instanceOf(badName, FileStoreError)
        assert.include(badName, { reason: "InvalidInput", method: "put" })
        const badRemove = failureOf(yield* Effect.exit(store.remove("")))
        assert.include(badRemove, { reason: "InvalidInput", method: "remove" })
        assert.strictEqual(badRemove.message, "FileStore.remove failed (InvalidInput)")
      })
    )
  })
})
