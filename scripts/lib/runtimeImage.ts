/**
 * The Dockerfile's runtime stage replayed without a Docker engine: its `COPY --from=build` lines copy the built
 * files from the workspace into a directory, its `RUN npm ci …` installs the production dependencies there, and its
 * `ENV` lines are returned for the processes. The production check runs what this builds, so the image and the
 * check cannot drift apart.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs"
import path from "node:path"
import { check, run } from "./run.js"

/** What the runtime stage declares besides its files. */
export interface RuntimeImage {
  readonly dir: string
  readonly env: Readonly<Record<string, string>>
  /** The default command (`CMD`), e.g. `node packages/server-kas/dist/bin/kas.js web`. */
  readonly cmd: ReadonlyArray<string>
}

/** Where the build stage has the repository (its WORKDIR). */
const BUILD_WORKDIR = "/app"

/** The instructions of stage `stage` of `dockerfile`, continuation lines joined. */
const stageInstructions = (dockerfile: string, stage: string): ReadonlyArray<readonly [string, string]> => {
  const lines = readFileSync(dockerfile, "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
  const start = lines.findIndex((l) => new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${stage}$`, "i").test(l))
  check(start >= 0, `${dockerfile} has no stage '${stage}'`)
  const end = lines.findIndex((l, i) => i > start && /^FROM\s/i.test(l))
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [, op, rest] = /^(\S+)\s*(.*)$/.exec(l)!
      return [op.toUpperCase(), rest] as const
    })
}

/** Builds the runtime stage of `<root>/Dockerfile` in `dir` from the workspace's built files. */
export const buildRuntimeImage = async (root: string, dir: string): Promise<RuntimeImage> => {
  let workdir = "/"
  const env: Record<string, string> = {}
  let cmd: ReadonlyArray<string> = []
  const inImage = (p: string) => path.join(dir, path.relative(workdir, path.resolve(workdir, p)))
  for (const [op, rest] of stageInstructions(path.join(root, "Dockerfile"), "runtime")) {
    if (op === "WORKDIR") workdir = rest
    else if (op === "ENV") for (const [, k, v] of rest.matchAll(/(\w+)=(\S+)/g)) env[k] = v
    else if (op === "COPY") {
      const parts = rest.split(/\s+/)
      check(parts[0] === "--from=build", `unsupported COPY in the runtime stage: ${rest}`)
      const sources = parts.slice(1, -1)
      const rawDest = parts[parts.length - 1]
      const intoDir = rawDest.endsWith("/") || sources.length > 1
      for (const source of sources) {
        const from = path.join(root, path.relative(BUILD_WORKDIR, source))
        check(existsSync(from), `the runtime stage copies ${source}, which the build did not make (run npm run build)`)
        // Docker: a directory's contents go to the destination; a file goes into it when it ends with "/".
        const target =
          intoDir && !statSync(from).isDirectory() ? path.join(inImage(rawDest), path.basename(from)) : inImage(rawDest)
        mkdirSync(path.dirname(target), { recursive: true })
        cpSync(from, target, { recursive: true })
      }
    } else if (op === "RUN") {
      for (const step of rest.split("&&").map((s) => s.trim())) {
        // The image drops npm's cache to stay small; here that would empty the machine's shared cache.
        if (step.startsWith("npm cache clean")) continue
        check(step.startsWith("npm ci "), `unsupported RUN step in the runtime stage: ${step}`)
        await run("sh", ["-c", step], { cwd: inImage(".") })
      }
    } else if (op === "CMD") cmd = JSON.parse(rest) as ReadonlyArray<string>
    else check(["USER", "EXPOSE"].includes(op), `unsupported instruction in the runtime stage: ${op} ${rest}`)
  }
  check(
    cmd.length > 1 && existsSync(path.join(inImage("."), cmd[1])),
    `the runtime stage's CMD ${cmd.join(" ")} has no file`
  )
  return { dir: inImage("."), env, cmd }
}
