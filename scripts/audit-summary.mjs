// `npm run audit:production`: npm audit of the production dependencies (--omit=dev), one summary line and each high or
// critical advisory. Exits 1 on a high or critical advisory, unless --report-only (CI prints the summary without
// letting an advisory published today block a submission). A registry that does not answer audit requests (some
// mirrors refuse the bulk endpoint) is reported as "not checked", never as a failure.
import { spawnSync } from "node:child_process"

const reportOnly = process.argv.includes("--report-only")
const run = spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8", timeout: 120_000 })
let report
try {
  report = JSON.parse(run.stdout)
} catch {
  report = undefined
}
const counts = report?.metadata?.vulnerabilities
if (!counts) {
  const reason =
    report?.message ||
    report?.error?.summary ||
    (run.stderr ?? "").split("\n").find((line) => /error|[45]\d\d|ENOTFOUND|ETIMEDOUT/i.test(line)) ||
    (run.error ? String(run.error) : `exit ${run.status}`)
  console.log(`npm audit --omit=dev: not checked, the registry did not answer (${String(reason).trim()})`)
  process.exit(0)
}
const n = (level) => counts[level] ?? 0
console.log(
  `npm audit --omit=dev: ${n("total")} advisories (critical ${n("critical")}, high ${n("high")}, ` +
    `moderate ${n("moderate")}, low ${n("low")}, info ${n("info")})`
)
for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
  if (v.severity === "high" || v.severity === "critical") {
    console.log(`  ${v.severity}: ${name} ${v.range}${v.fixAvailable ? " (a fix is available)" : ""}`)
  }
}
process.exit(n("high") + n("critical") > 0 && !reportOnly ? 1 : 0)
