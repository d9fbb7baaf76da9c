import type { StaffUser } from "../auth/StaffUsers.js"
import { hasPermission } from "../web/StaffAuth.js"

/** "KAS administration" (staff-web.md §18): the sections the user may open. */
export const adminIndexView = (user: StaffUser, featureFlagList: boolean) => {
  const can = (p: string) => hasPermission(user, p)
  const sections = [
    {
      heading: "Brugere",
      id: "admin-users",
      links: [
        { label: "Brugere", href: "/admin/users/", shown: can("user.view") },
        { label: "Tilføj bruger", href: "/admin/users/add/", shown: can("user.add") },
        { label: "Ændringslog for brugere", href: "/admin/users/log/", shown: can("user.view") }
      ]
    },
    {
      heading: "Skatteår",
      id: "admin-taxyears",
      links: [
        { label: "Skatteår", href: "/admin/taxyears/", shown: can("taxyear.add") || can("taxyear.change") },
        { label: "Tilføj skatteår", href: "/admin/taxyears/add/", shown: can("taxyear.add") }
      ]
    },
    {
      heading: "Konfiguration",
      id: "admin-config",
      links: [{ label: "Feature flags", href: "/feature_flags/", shown: featureFlagList && can("featureflag.view") }]
    }
  ]
  return {
    title: "KAS administration",
    sections: sections.map((s) => ({ ...s, links: s.links.filter((l) => l.shown) })).filter((s) => s.links.length > 0)
  }
}
