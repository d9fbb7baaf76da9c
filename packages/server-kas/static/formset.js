// The repeatable note and upload sub-forms of the policy edit forms (views/notes/_subforms.ejs, staff-web.md §7):
// "Tilføj notat"/"Tilføj fil" add a row in place from the formset's <template> (its __index__ and __number__
// replaced by the next free row number), "Fjern" removes an added row; focus follows. Without this script the page
// draws empty extra rows instead, and the buttons stay hidden.
;(() => {
  for (const formset of document.querySelectorAll("[data-formset]")) {
    const rows = formset.querySelector("[data-formset-rows]")
    const template = formset.querySelector("template")
    const add = formset.querySelector("[data-formset-add]")
    if (rows === null || template === null || add === null) continue
    const max = Number(formset.dataset.max)
    let next = Number(formset.dataset.nextIndex)
    const count = () => rows.querySelectorAll("[data-formset-row]").length
    const update = () => {
      add.disabled = count() >= max
    }
    const removable = (row) => {
      const remove = row.querySelector("[data-formset-remove]")
      if (remove === null) return
      remove.hidden = false
      remove.addEventListener("click", () => {
        row.remove()
        update()
        add.focus()
      })
    }
    rows.querySelectorAll("[data-formset-row]").forEach((row, i) => {
      if (i > 0) removable(row)
    })
    add.addEventListener("click", () => {
      if (count() >= max) return
      const html = template.innerHTML.replaceAll("__index__", String(next)).replaceAll("__number__", String(next + 1))
      next += 1
      rows.insertAdjacentHTML("beforeend", html)
      const row = rows.lastElementChild
      removable(row)
      update()
      row.querySelector("input, textarea")?.focus()
    })
    add.hidden = false
    update()
  }
})()
