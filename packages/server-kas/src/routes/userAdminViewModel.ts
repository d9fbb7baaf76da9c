import { GROUPS, type GroupName } from "../auth/Permissions.js"
import type { StaffUser } from "../auth/StaffUsers.js"
import type { LoggedValues, UserChange, UserRecord } from "../auth/UserAdmin.js"
import { groupsOf, passwordProblem, userMessages, usernameProblem, type UserValues } from "../auth/UserRules.js"
import { checkbox } from "../web/FormFields.js"
import type { Format } from "../web/Format.js"
import type { Paging } from "../web/Paging.js"

/** The user administration pages (staff-web.md §18): the list, the create and edit forms and the change log. */

/** The users list. */
export const usersView = (
  users: ReadonlyArray<UserRecord>,
  paging: Paging,
  fmt: Format,
  can: { readonly add: boolean; readonly change: boolean },
  flash: string | undefined
) => ({
  title: "Brugere",
  flash,
  canAdd: can.add,
  paging,
  pageHref: (p: number) => `/admin/users/?page=${p}`,
  rows: users.map((u) => ({
    id: u.id,
    href: `/admin/users/${u.id}/`,
    username: u.username,
    active: fmt.yesNo(u.is_active),
    superuser: fmt.yesNo(u.is_superuser),
    groups: u.groups.join(", "),
    lastLogin: fmt.dateTime(u.last_login),
    created: fmt.dateTime(u.created_at)
  }))
})

/** The fields of the user form as typed. */
export interface UserForm {
  readonly username: string
  readonly is_active: boolean
  readonly is_superuser: boolean
  readonly groups: ReadonlyArray<string>
}

/** What the editor may change on the form: everything (a superuser), active and groups, or nothing (view only). */
export type UserFormMode = "full" | "limited" | "readonly"

const asList = (raw: unknown): ReadonlyArray<string> =>
  Array.isArray(raw) ? raw.filter((x): x is string => typeof x === "string") : typeof raw === "string" ? [raw] : []
const text = (raw: unknown) => (typeof raw === "string" ? raw.trim() : "")

/** A decoded user form: the values for the service, or the field messages. */
export type ParsedUser =
  | { readonly valid: true; readonly values: UserValues; readonly password: string | null; readonly form: UserForm }
  | { readonly valid: false; readonly errors: Record<string, string>; readonly form: UserForm }

/**
 * Decodes the create form (`creating`) or the edit form. Fields the form does not show to this editor are taken
 * from `current` unless posted (a posted change of them is then refused by the service). On edit an empty password
 * keeps the old one.
 */
export const parseUser = (
  body: Record<string, unknown>,
  current: UserValues | undefined,
  mode: UserFormMode
): ParsedUser => {
  const full = mode === "full"
  const form: UserForm = {
    username: "username" in body || current === undefined ? text(body.username) : current.username,
    is_active: current === undefined ? true : checkbox(body.is_active),
    is_superuser:
      "is_superuser" in body || full || current === undefined ? checkbox(body.is_superuser) : current.is_superuser,
    groups: asList(body.groups)
  }
  const errors: Record<string, string> = {}
  const username = usernameProblem(form.username)
  if (username !== undefined) errors.username = username
  const groups = groupsOf(form.groups)
  if (groups === undefined) errors.groups = userMessages.unknownGroup
  const password = typeof body.password === "string" ? body.password : ""
  const confirmation = typeof body.password2 === "string" ? body.password2 : ""
  const setsPassword = current === undefined || password !== "" || confirmation !== ""
  if (setsPassword) {
    const problem = passwordProblem(password, confirmation)
    if (problem !== undefined) errors.password = problem
  }
  if (Object.keys(errors).length > 0 || groups === undefined) return { valid: false, errors, form }
  return {
    valid: true,
    form,
    password: setsPassword ? password : null,
    values: { username: form.username, is_active: form.is_active, is_superuser: form.is_superuser, groups }
  }
}

/** The form of a stored user. */
export const formOf = (u: UserValues): UserForm => ({
  username: u.username,
  is_active: u.is_active,
  is_superuser: u.is_superuser,
  groups: [...u.groups]
})

/** The empty create form. */
export const emptyForm: UserForm = { username: "", is_active: true, is_superuser: false, groups: [] }

/** The mode of the form for an editor. */
export const modeFor = (editor: StaffUser, canChange: boolean): UserFormMode =>
  !canChange ? "readonly" : editor.isSuperuser ? "full" : "limited"

/** The create page or the edit page of a user (with the user's latest changes on the edit page). */
export const userFormView = (input: {
  readonly user: UserRecord | undefined
  readonly form: UserForm
  readonly mode: UserFormMode
  readonly errors: Record<string, string>
  readonly error: string | undefined
  readonly changes: ReadonlyArray<UserChange>
  readonly fmt: Format
  readonly flash?: string | undefined
}) => ({
  title: input.user === undefined ? "Tilføj bruger" : `Bruger ${input.user.username}`,
  creating: input.user === undefined,
  action: input.user === undefined ? "/admin/users/add/" : `/admin/users/${input.user.id}/`,
  userId: input.user?.id,
  form: input.form,
  mode: input.mode,
  errors: input.errors,
  error: input.error,
  flash: input.flash,
  groups: GROUPS.map((g) => ({ name: g, checked: input.form.groups.includes(g), id: `f-group-${groupId(g)}` })),
  lastLogin: input.user === undefined ? "" : input.fmt.dateTime(input.user.last_login),
  created: input.user === undefined ? "" : input.fmt.dateTime(input.user.created_at),
  changes: input.changes.map((c) => changeRow(c, input.fmt)),
  logHref: input.user === undefined ? "" : `/admin/users/log/?user=${input.user.id}`
})

const groupId = (g: GroupName) => g.toLowerCase().replace("å", "aa")

const labels: Record<keyof LoggedValues, string> = {
  username: "Brugernavn",
  is_active: "Aktiv",
  is_superuser: "Superbruger",
  groups: "Grupper",
  password_changed: "Adgangskode"
}

const shown = (key: keyof LoggedValues, v: unknown): string => {
  if (key === "password_changed") return v === true ? "ændret" : ""
  if (typeof v === "boolean") return v ? "Ja" : "Nej"
  if (Array.isArray(v)) return v.length === 0 ? "(ingen)" : v.join(", ")
  return v === undefined || v === null ? "" : String(v)
}

/** One log entry as rows "Felt: gammel → ny" (only the fields that changed; all fields when the user was created). */
export const changeRow = (c: UserChange, fmt: Format) => {
  const keys = Object.keys(labels) as Array<keyof LoggedValues>
  const fields = keys.flatMap((k) => {
    const after = c.new_values[k]
    const before = c.old_values?.[k]
    if (k === "password_changed") return after === true ? [{ label: labels[k], before: "", after: "ændret" }] : []
    if (c.old_values !== null && JSON.stringify(before) === JSON.stringify(after)) return []
    return [{ label: labels[k], before: c.old_values === null ? "" : shown(k, before), after: shown(k, after) }]
  })
  return {
    when: fmt.dateTime(c.changed_at),
    // No author: the change came from the system itself (`kas create-user`, the development users' seed).
    by: c.changed_by ?? "System",
    user: c.username,
    userHref: `/admin/users/${c.user_id}/`,
    kind: c.old_values === null ? "Oprettet" : "Ændret",
    fields
  }
}

/** The change log page. */
export const changeLogView = (
  changes: ReadonlyArray<UserChange>,
  paging: Paging,
  fmt: Format,
  user: UserRecord | undefined
) => ({
  title: user === undefined ? "Ændringslog for brugere" : `Ændringslog for ${user.username}`,
  rows: changes.map((c) => changeRow(c, fmt)),
  paging,
  pageHref: (p: number) => `/admin/users/log/?${user === undefined ? "" : `user=${user.id}&`}page=${p}`,
  userHref: user === undefined ? undefined : `/admin/users/${user.id}/`
})
