import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { renderView } from "@kas/core/web"

// Views compile without `with (locals)` (names declared from the data) and resolve includes themselves: what a
// template sees must stay what EJS gives it.
const dir = mkdtempSync(path.join(os.tmpdir(), "kas-views-"))
mkdirSync(path.join(dir, "layout"))
mkdirSync(path.join(dir, "area"))
writeFileSync(
  path.join(dir, "layout", "header.ejs"),
  `<h1><%= title %></h1><% if (typeof user !== "undefined") { %>[<%= user %>]<% } %>`
)
writeFileSync(path.join(dir, "area", "row.ejs"), `<li><%= item %>/<%= title %></li>`)
writeFileSync(
  path.join(dir, "area", "page.ejs"),
  `<%- include("../layout/header") %><ul><% for (const item of items) { %><%- include("row", { item }) %><% } %></ul>` +
    `<%= typeof missing === "undefined" ? "no" : missing %> <%= Math.max(...items) %> <%= locals.title %> ` +
    `<%- "<b>" %><%= "<i>" %>`
)
writeFileSync(
  path.join(dir, "area", "declares.ejs"),
  `<% const label = title.toUpperCase() %><%= label %> <%= items.length %>`
)

describe("views", () => {
  it("renders data, absent names, globals, escaping and includes with their own data", async () => {
    for (const cache of [true, false]) {
      expect(await renderView([dir], "area/page", { title: "T", items: [1, 2] }, cache)).toBe(
        "<h1>T</h1><ul><li>1/T</li><li>2/T</li></ul>no 2 T <b>&lt;i&gt;"
      )
      expect(await renderView([dir], "area/page", { title: "U", items: [3], user: "ann", missing: "yes" }, cache)).toBe(
        "<h1>U</h1>[ann]<ul><li>3/U</li></ul>yes 3 U <b>&lt;i&gt;"
      )
    }
  })

  it("renders a template that declares a name of its own at the top", async () => {
    expect(await renderView([dir], "area/declares", { title: "abc", items: [1, 2, 3] })).toBe("ABC 3")
  })
})
