// Progressive enhancement for the citizen pages; every page works without it. No inline handlers (CSP).
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll("a[data-confirm]")) {
    link.addEventListener("click", (e) => {
      if (!window.confirm(link.dataset.confirm)) e.preventDefault()
    })
  }
  for (const select of document.querySelectorAll("select[data-disables]")) {
    const target = document.getElementById(select.dataset.disables)
    const sync = () => {
      if (target) target.disabled = select.value !== ""
    }
    select.addEventListener("change", sync)
    sync()
  }
  for (const form of document.querySelectorAll("form[data-year-picker]")) {
    const select = form.querySelector("select")
    select.addEventListener("change", () => {
      window.location.href = `/policy/prior/${encodeURIComponent(select.value)}/`
    })
  }
  for (const box of document.querySelectorAll(".file-rows")) {
    const prefix = box.dataset.prefix
    const max = Number(box.dataset.max)
    const rows = () => Array.from(box.querySelectorAll(".file-row"))
    const template = rows()[0]
    if (!template) continue
    let next = 1
    const refresh = () => {
      const all = rows()
      for (const r of all) r.querySelector(".remove-row").hidden = all.length < 2
      if (all.length < max && all.every((r) => r.querySelector("input[type=file]").files.length > 0)) add()
    }
    const wire = (row) => {
      row.querySelector("input[type=file]").addEventListener("change", refresh)
      row.querySelector(".remove-row").addEventListener("click", () => {
        row.remove()
        if (rows().length === 0) add()
        refresh()
      })
    }
    const add = () => {
      const row = template.cloneNode(true)
      const n = next++
      for (const el of row.querySelectorAll("[id],[name],[for]")) {
        for (const attr of ["id", "name", "for"]) {
          const v = el.getAttribute(attr)
          if (v) el.setAttribute(attr, v.replace(`${prefix}file0`, `${prefix}file${n}`))
        }
      }
      for (const input of row.querySelectorAll("input")) input.value = ""
      for (const fb of row.querySelectorAll(".invalid-feedback,.text-danger")) fb.remove()
      for (const input of row.querySelectorAll(".is-invalid")) input.classList.remove("is-invalid")
      box.appendChild(row)
      wire(row)
    }
    wire(template)
    refresh()
  }
  const summary = document.getElementById("error-summary")
  if (summary) summary.focus()
})
