// Fails when a tracked TypeScript, EJS or Markdown-free source line is longer than 120 columns (house style).
// Biome's formatter wraps code, but not long strings, comments or SQL in template literals: this catches those.
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"

const LIMIT = 120
const files = execFileSync("git", ["ls-files", "*.ts", "*.mjs", "*.ejs"], { encoding: "utf8" })
  .split("\n")
  .filter(Boolean)
const long = []
for (const file of files) {
  let text
  try {
    text = readFileSync(file, "utf8")
  } catch {
    continue // deleted in the working tree
  }
  text.split("\n").forEach((line, i) => {
    if ([...line].length > LIMIT) long.push(`${file}:${i + 1}: ${[...line].length} columns`)
  })
}
if (long.length > 0) {
  console.error(`${long.length} line(s) longer than ${LIMIT} columns:\n${long.join("\n")}`)
  process.exit(1)
}
console.log(`line length: ${files.length} files within ${LIMIT} columns`)
