import { Effect } from "effect"
import { Database, KasConfig } from "@kas/core"
import { StaffUsers } from "../auth/StaffUsers.js"
import { type Command, parse, UsageError } from "./Command.js"
import { runMain } from "./runMain.js"

/**
 * `kas create-rest-token <username>`: a new API key for another program (selvbetjening.md §16). The user is created
 * without a password when missing (it cannot log in to the staff pages); older keys of that user stop working.
 */
export const createRestToken: Command = {
  run: async (argv) => {
    const { positionals } = parse(argv, {}, true)
    const username = positionals[0]
    if (!username || positionals.length > 1) throw new UsageError("give exactly one username")
    if (username === "rest")
      throw new UsageError("the key of `rest` is REST_TOKEN; set it in the configuration instead")
    const settings = KasConfig.loadOrExit("kas create-rest-token", KasConfig.BackOfficeConfig.common)
    return runMain(
      Effect.gen(function* () {
        const users = yield* StaffUsers
        yield* users.ensureUser(username)
        const token = yield* users.createRestToken(username)
        yield* Effect.sync(() => console.log(token))
      }).pipe(Effect.provide(StaffUsers.Default), Effect.provide(Database.layer(settings)))
    )
  }
}
