import { describe, expect, it } from "vitest"
import { DafoAddress } from "../../src/index.js"

const full = {
  cprNummer: "0101014444",
  fornavn: "Anna",
  efternavn: "Berg",
  adresse: "Aqqusinersuaq 1",
  postnummer: "3900",
  bynavn: "Nuuk",
  co: "",
  landekode: "GL",
  civilstand: "G"
}

describe("Datafordeler effects (integrations.md §4.3)", () => {
  it("the cached address: name parts joined, postal area only when both parts exist", () => {
    expect(DafoAddress.addressOf(full)).toEqual({
      name: "Anna Berg",
      address: "Aqqusinersuaq 1",
      postal_area: "3900 Nuuk",
      co: "",
      full_address: "Aqqusinersuaq 1\n3900 Nuuk"
    })
    expect(DafoAddress.addressOf({ fornavn: "", efternavn: "Berg", postnummer: "3900" })).toEqual({
      name: "Berg",
      address: "",
      postal_area: "",
      co: "",
      full_address: ""
    })
  })

  it("status: Dead for civilstand D, else Alive", () => {
    expect(DafoAddress.statusOf({ civilstand: "D" })).toBe("Dead")
    expect(DafoAddress.statusOf({ civilstand: "G" })).toBe("Alive")
    expect(DafoAddress.statusOf({ cprNummer: "0101014444" })).toBe("Alive")
  })

  it("the better address rule", () => {
    const dafo = DafoAddress.addressOf(full)
    const same = { name: "Anna Berg", address_line_2: "Aqqusinersuaq (1),", address_line_4: "3900 Nuuk" }
    // Equal after removing ( ) _ - , : not better.
    expect(DafoAddress.isBetter(dafo, same)).toBe(false)
    expect(DafoAddress.isBetter(dafo, { ...same, name: "Anna B." })).toBe(true)
    expect(DafoAddress.isBetter(dafo, { ...same, address_line_2: "" })).toBe(true)
    expect(DafoAddress.isBetter(dafo, { ...same, address_line_2: "Aqqusinersuaq 2" })).toBe(true)
    expect(DafoAddress.isBetter(dafo, { ...same, address_line_4: null })).toBe(true)
    expect(DafoAddress.isBetter(dafo, { ...same, address_line_4: "3905 Nuussuaq" })).toBe(true)
    // Any empty Datafordeler part: never better.
    expect(DafoAddress.isBetter({ ...dafo, postal_area: "" }, { ...same, name: "X" })).toBe(false)
    expect(DafoAddress.overwriteOf(dafo, full)).toEqual({
      name: "Anna Berg",
      address_line_1: "",
      address_line_2: "Aqqusinersuaq 1",
      address_line_4: "3900 Nuuk",
      address_line_5: "GL",
      full_address: "Aqqusinersuaq 1,3900 Nuuk,GL"
    })
  })
})
