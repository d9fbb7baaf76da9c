import { GROUPS, type GroupName } from "./Permissions.js"
import type { StaffUser } from "./StaffUsers.js"

/**
 * The rules of the user administration (staff-web.md §18, domain.md §9) and their Danish messages: what a user name
 * and a new password must look like, and what an administrator who is not a superuser may change.
 */
export const userMessages = {
  usernameRequired: "Brugernavn skal udfyldes",
  usernameInvalid: "Brugernavn må højst have 150 tegn og kun indeholde bogstaver, tal og tegnene @ . + - _",
  usernameTaken: "Der findes allerede en bruger med dette brugernavn",
  passwordRequired: "Adgangskode skal udfyldes",
  passwordShort: "Adgangskoden skal være mindst 8 tegn",
  passwordMismatch: "De to adgangskoder er ikke ens",
  unknownGroup: "Vælg grupperne fra listen",
  superuserFieldsOnly:
    "Kun en superbruger kan ændre brugernavn, adgangskode og superbrugerstatus; du kan ændre aktiv og grupper",
  superuserTarget: "Kun en superbruger kan ændre en superbruger",
  deactivateSelf: "Du kan ikke deaktivere din egen bruger"
} as const

/** The shortest password an administrator may set. */
export const MIN_PASSWORD_LENGTH = 8

/** The user name's problem, or undefined: 1–150 characters of letters, digits and `@ . + - _`. */
export const usernameProblem = (username: string): string | undefined => {
  if (username === "") return userMessages.usernameRequired
  return /^[\p{L}\p{N}@.+\-_]{1,150}$/u.test(username) ? undefined : userMessages.usernameInvalid
}

/** A new password's problem, or undefined: at least 8 characters, typed the same twice. */
export const passwordProblem = (password: string, confirmation: string): string | undefined => {
  if (password === "") return userMessages.passwordRequired
  if (password.length < MIN_PASSWORD_LENGTH) return userMessages.passwordShort
  return password === confirmation ? undefined : userMessages.passwordMismatch
}

/** The groups named, in the order of GROUPS, or undefined when a name is not a group. */
export const groupsOf = (names: ReadonlyArray<string>): ReadonlyArray<GroupName> | undefined =>
  names.every((n) => (GROUPS as ReadonlyArray<string>).includes(n))
    ? GROUPS.filter((g) => names.includes(g))
    : undefined

/** The fields of a user that the admin pages show and change (and the user-change log records). */
export interface UserValues {
  readonly username: string
  readonly is_active: boolean
  readonly is_superuser: boolean
  readonly groups: ReadonlyArray<GroupName>
}

/** The fields only a superuser may change. */
export const SUPERUSER_FIELDS = ["username", "is_superuser"] as const

/**
 * Why `editor` may not change the user `before` into `after` (with a new password when `newPassword`), or undefined.
 * A non-superuser may change only `is_active` and the groups (domain.md §9), and never a superuser's; nobody may
 * deactivate themselves (they would lock themselves out; decision).
 */
export const changeProblem = (
  editor: StaffUser,
  targetId: number,
  before: UserValues,
  after: UserValues,
  newPassword: boolean
): string | undefined => {
  if (!editor.isSuperuser) {
    if (before.is_superuser) return userMessages.superuserTarget
    if (newPassword || SUPERUSER_FIELDS.some((f) => before[f] !== after[f])) return userMessages.superuserFieldsOnly
  }
  if (editor.id === targetId && before.is_active && !after.is_active) return userMessages.deactivateSelf
  return undefined
}

/** Why `editor` may not create `user`, or undefined: only a superuser creates a superuser. */
export const createProblem = (editor: StaffUser, user: UserValues): string | undefined =>
  user.is_superuser && !editor.isSuperuser ? userMessages.superuserFieldsOnly : undefined
