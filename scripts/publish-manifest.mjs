// npm pack/publish lifecycle (prepack/postpack of each published package): the published package.json lists
// "types" first in every `exports` entry and has no "source" condition (it points at src/, which is not
// published; the workspace uses it to run TypeScript directly). `strip` saves the manifest and rewrites it,
// `restore` puts the saved one back.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs"

const manifest = "package.json"
const saved = "package.json.workspace"

if (process.argv[2] === "strip") {
  const text = readFileSync(manifest, "utf8")
  writeFileSync(saved, text)
  const pkg = JSON.parse(text)
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== "object" || target === null) continue
    const { source: _source, types, ...rest } = target
    pkg.exports[subpath] = types === undefined ? rest : { types, ...rest }
  }
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`)
} else if (process.argv[2] === "restore") {
  if (existsSync(saved)) renameSync(saved, manifest)
} else {
  console.error("usage: publish-manifest.mjs strip|restore")
  process.exit(2)
}
