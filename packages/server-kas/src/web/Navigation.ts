import type { StaffUser } from "../auth/StaffUsers.js"
import { hasPermission } from "./StaffAuth.js"

/**
 * The navigation bar of kas web (staff-web.md §1) as data: one entry per page or menu, each with the permissions it
 * needs (any one of `anyOf` when given). An entry whose page is not built yet has `built: false` and is hidden until
 * it exists; an area that adds its pages flips that flag here (and nowhere else).
 */
export interface NavLink {
  readonly label: string
  readonly href: string
  /** Every one of these (none = login only). */
  readonly permissions?: ReadonlyArray<string>
  /** At least one of these. */
  readonly anyOf?: ReadonlyArray<string>
  /** False until the page exists. */
  readonly built: boolean
  /** Opens in a new tab (the manual). */
  readonly newTab?: boolean
}

/** A menu of links (shown when at least one of its links is). */
export interface NavMenu {
  readonly label: string
  readonly items: ReadonlyArray<NavLink>
}

/** An entry of the bar. */
export type NavEntry = NavLink | NavMenu

const isMenu = (e: NavEntry): e is NavMenu => "items" in e

/** The left side of the bar, in order. */
export const navigation: ReadonlyArray<NavEntry> = [
  { label: "Find person", href: "/", permissions: ["persontaxyear.view"], built: true },
  {
    label: "Udtrækslister",
    items: [
      { label: "Statistik", href: "/statistics/", permissions: ["persontaxyear.list"], built: true },
      {
        label: "Personer med policer der kræver efterbehandling",
        href: "/person/unfinished/",
        permissions: ["persontaxyear.list"],
        built: true
      },
      {
        label: "Personer med fejlet afsendelse af selvangivelse",
        href: "/person/failsend/",
        permissions: ["persontaxyear.list"],
        built: true
      },
      {
        label: "Personer med nye dokumenter eller notater",
        href: "/person/unhandled/",
        permissions: ["persontaxyear.list"],
        built: true
      },
      {
        label: "Personer med udenlandsk pensionsnotat",
        href: "/person/foreign/",
        permissions: ["persontaxyear.list"],
        built: true
      },
      {
        label: "Policer der kræver efterbehandling",
        href: "/policy/unfinished/",
        permissions: ["persontaxyear.list"],
        built: true
      },
      {
        label: "Policer med forskel på fortrykt og selvangivet beløb",
        href: "/policy/taxdifference/",
        permissions: ["persontaxyear.list"],
        built: true
      }
    ]
  },
  {
    label: "Administration",
    items: [
      { label: "Pensionsselskaber", href: "/pensioncompany/", permissions: ["pensioncompany.change"], built: true },
      { label: "Jobadministration", href: "/worker/", permissions: ["job.view"], built: true },
      { label: "Låse", href: "/lock/", permissions: ["lock.view"], built: true }
    ]
  },
  {
    label: "Policeopsummering",
    href: "/tax_year/latest/company-summary/",
    permissions: ["summaryfile.view"],
    built: true
  },
  { label: "10Q Batches", href: "/prisme/batch/", permissions: ["batch.send"], built: true },
  { label: "Manual", href: "/manual/", built: false, newTab: true }
]

/** The right side of the bar, beside "Du er logget ind som …" and "Log ud". */
export const adminLink: NavLink = { label: "Admin", href: "/admin/", anyOf: ["user.view", "taxyear.add"], built: true }

/** Whether a user sees a link. */
export const showsLink = (user: StaffUser | undefined, link: NavLink): boolean =>
  link.built &&
  user !== undefined &&
  hasPermission(user, ...(link.permissions ?? [])) &&
  (link.anyOf === undefined || link.anyOf.some((p) => hasPermission(user, p)))

/** The entries a user sees: links they may open, menus with at least one such link (only those links in them). */
export const navigationFor = (
  user: StaffUser | undefined,
  entries: ReadonlyArray<NavEntry> = navigation
): Array<NavEntry> =>
  entries.flatMap((e): Array<NavEntry> => {
    if (!isMenu(e)) return showsLink(user, e) ? [e] : []
    const items = e.items.filter((i) => showsLink(user, i))
    return items.length > 0 ? [{ label: e.label, items }] : []
  })
