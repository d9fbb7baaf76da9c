import { Effect, Layer } from "effect"
import { createInterface } from "node:readline"
import { Database, KasConfig } from "@kas/core"
import { StaffUsers } from "../auth/StaffUsers.js"
import { UserAdmin } from "../auth/UserAdmin.js"
import { findGroup, GROUPS, type GroupName } from "../auth/Permissions.js"
import { MIN_PASSWORD_LENGTH, usernameProblem } from "../auth/UserRules.js"
import { type Command, parse, UsageError } from "./Command.js"
import { runMain } from "./runMain.js"

/** Reads the password: a hidden prompt on a terminal, otherwise the first line of stdin. */
const readPassword = async (): Promise<string> => {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin })
    for await (const line of rl) {
      rl.close()
      return line
    }
    return ""
  }
  process.stdout.write("Password: ")
  return new Promise((resolve) => {
    let value = ""
    process.stdin.setRawMode(true)
    process.stdin.resume()
    const onData = (b: Buffer) => {
      for (const ch of b.toString("utf8")) {
        if (ch === "\r" || ch === "\n") {
          process.stdin.setRawMode(false)
          process.stdin.pause()
          process.stdin.off("data", onData)
          process.stdout.write("\n")
          return resolve(value)
        }
        if (ch === "\u0003") process.exit(130)
        value = ch === "\u007f" ? value.slice(0, -1) : value + ch
      }
    }
    process.stdin.on("data", onData)
  })
}

/**
 * `kas create-user --username U --group G [--group G2] [--superuser]`: creates a staff user (password from a prompt or
 * stdin).
 */
export const createUser: Command = {
  run: async (argv) => {
    const { values } = parse(argv, {
      username: { type: "string" },
      group: { type: "string", multiple: true },
      superuser: { type: "boolean" }
    })
    const username = values.username?.trim()
    if (!username) throw new UsageError("--username is required")
    if (usernameProblem(username) !== undefined)
      throw new UsageError("--username may only hold up to 150 letters, digits and . @ + - _")
    const groups: Array<GroupName> = []
    for (const g of values.group ?? []) {
      const found = findGroup(g)
      if (!found) throw new UsageError(`unknown group '${g}' (one of: ${GROUPS.join(", ")})`)
      groups.push(found)
    }
    if (groups.length === 0 && !values.superuser) throw new UsageError("give at least one --group (or --superuser)")
    const settings = KasConfig.loadOrExit("kas create-user", KasConfig.BackOfficeConfig.common)
    const password = await readPassword()
    if (password.length < MIN_PASSWORD_LENGTH) {
      process.stderr.write(`kas create-user: the password must have at least ${MIN_PASSWORD_LENGTH} characters\n`)
      return 2
    }
    return runMain(
      Effect.gen(function* () {
        yield* (yield* StaffUsers).ensureGroups()
        // Through the admin pages' service: the new user (or the change) is in the user-change log.
        yield* (yield* UserAdmin).provision({ username, password, groups, isSuperuser: values.superuser ?? false })
        yield* Effect.sync(() =>
          console.log(`User ${username} saved (${values.superuser ? "superuser" : groups.join(", ")}).`)
        )
      }).pipe(
        Effect.provide(Layer.merge(StaffUsers.Default, UserAdmin.Default)),
        Effect.provide(Database.layer(settings))
      )
    )
  }
}
