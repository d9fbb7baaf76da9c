import { describe, expect, it } from "vitest"
import type { StaffUser } from "../../src/auth/StaffUsers.js"
import {
  changeProblem,
  createProblem,
  groupsOf,
  passwordProblem,
  userMessages,
  usernameProblem,
  type UserValues
} from "../../src/auth/UserRules.js"

/** The rules of the user administration (staff-web.md §18, domain.md §9), without a database. */

const editor = (id: number, isSuperuser: boolean): StaffUser => ({
  id,
  username: isSuperuser ? "admin" : "administrator",
  isSuperuser,
  permissions: new Set(["user.view", "user.add", "user.change"])
})
const karen: UserValues = { username: "karen", is_active: true, is_superuser: false, groups: ["Sagsbehandler"] }

describe("UserRules", () => {
  it("user names: 1–150 letters, digits and @ . + - _", () => {
    expect(usernameProblem("")).toBe(userMessages.usernameRequired)
    for (const ok of ["karen", "karen.k@skat.gl", "søren_å-1+x", "x".repeat(150)])
      expect(usernameProblem(ok)).toBe(undefined)
    for (const bad of ["karen jensen", "karen/1", "x".repeat(151), "<b>"])
      expect(usernameProblem(bad)).toBe(userMessages.usernameInvalid)
  })

  it("passwords: required, at least 8 characters, typed twice the same", () => {
    expect(passwordProblem("", "")).toBe(userMessages.passwordRequired)
    expect(passwordProblem("1234567", "1234567")).toBe(userMessages.passwordShort)
    expect(passwordProblem("12345678", "12345679")).toBe(userMessages.passwordMismatch)
    expect(passwordProblem("12345678", "12345678")).toBe(undefined)
  })

  it("groups: only the five groups, in their order", () => {
    expect(groupsOf(["Skatteråd", "administrator"])).toEqual(["administrator", "Skatteråd"])
    expect(groupsOf([])).toEqual([])
    expect(groupsOf(["Sagsbehandler", "root"])).toBe(undefined)
  })

  it("a non-superuser changes only is_active and groups, never of a superuser; nobody deactivates themselves", () => {
    const admin = editor(1, true)
    const administrator = editor(2, false)
    const inactive = { ...karen, is_active: false, groups: [] }
    expect(changeProblem(administrator, 5, karen, inactive, false)).toBe(undefined)
    expect(changeProblem(administrator, 5, karen, { ...karen, username: "k" }, false)).toBe(
      userMessages.superuserFieldsOnly
    )
    expect(changeProblem(administrator, 5, karen, { ...karen, is_superuser: true }, false)).toBe(
      userMessages.superuserFieldsOnly
    )
    expect(changeProblem(administrator, 5, karen, karen, true)).toBe(userMessages.superuserFieldsOnly)
    expect(changeProblem(administrator, 1, { ...karen, is_superuser: true }, inactive, false)).toBe(
      userMessages.superuserTarget
    )
    expect(changeProblem(administrator, 2, karen, inactive, false)).toBe(userMessages.deactivateSelf)
    expect(changeProblem(admin, 1, karen, inactive, false)).toBe(userMessages.deactivateSelf)
    expect(changeProblem(admin, 5, karen, { ...karen, username: "k", is_superuser: true }, true)).toBe(undefined)
    expect(createProblem(administrator, { ...karen, is_superuser: true })).toBe(userMessages.superuserFieldsOnly)
    expect(createProblem(admin, { ...karen, is_superuser: true })).toBe(undefined)
  })
})
