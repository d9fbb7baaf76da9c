/** The five staff groups and their permissions, exactly as domain.md §9. */
export const GROUPS = ["administrator", "Sagsbehandler", "Borgerservice", "Regnskab", "Skatteråd"] as const
export type GroupName = (typeof GROUPS)[number]

const READ = [
  "taxyear.view",
  "lock.view",
  "person.view",
  "persontaxyear.view",
  "policy.view",
  "note.view",
  "document.view",
  "pensioncompany.view",
  "finalstatement.view",
  "taxslip.view",
  "lossmatrix.view",
  "transaction.view",
  "batch.view"
] as const

const CASEWORK = [
  "lock.change",
  "persontaxyear.list",
  "persontaxyear.add",
  "persontaxyear.change",
  "policy.add",
  "policy.change",
  "note.add",
  "document.add",
  "note.change",
  "pensioncompany.change",
  "finalstatement.add",
  "finalstatement.change",
  "summaryfile.view",
  "summaryfile.add"
] as const

const ADMIN_ONLY = [
  "taxyear.add",
  "taxyear.change",
  "batch.send",
  "job.view",
  "job.add",
  "user.view",
  "user.add",
  "user.change",
  "featureflag.view"
] as const

/** Every permission name. */
export const ALL_PERMISSIONS: ReadonlyArray<string> = [...READ, ...CASEWORK, ...ADMIN_ONLY]
export type Permission = (typeof READ)[number] | (typeof CASEWORK)[number] | (typeof ADMIN_ONLY)[number]

/** Permissions per group. */
export const GROUP_PERMISSIONS: Record<GroupName, ReadonlyArray<Permission>> = {
  administrator: [...READ, ...CASEWORK, ...ADMIN_ONLY],
  Sagsbehandler: [...READ, ...CASEWORK],
  Borgerservice: [...READ, "note.add", "document.add"],
  Regnskab: [...READ, "batch.send"],
  Skatteråd: [...READ]
}

/** Development users (configuration.md §6.4): username → group. */
export const DEVELOPMENT_USERS: ReadonlyArray<readonly [string, GroupName]> = [
  ["administrator", "administrator"],
  ["sagsbehandler", "Sagsbehandler"],
  ["borgerservice", "Borgerservice"],
  ["regnskab", "Regnskab"],
  ["skatteraad", "Skatteråd"]
]

/** Resolves a group name case-insensitively (the CLI accepts `sagsbehandler`, `skatteraad` …). */
export const findGroup = (name: string): GroupName | undefined => {
  const n = name.toLowerCase().replace("aa", "å")
  return GROUPS.find((g) => g.toLowerCase() === n)
}
