import { existsSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

/** The directory of the package that holds `moduleUrl` (the nearest folder with a package.json), in src or dist. */
export const packageDir = (moduleUrl: string): string => {
  let dir = path.dirname(fileURLToPath(moduleUrl))
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`)
    dir = parent
  }
  return dir
}
