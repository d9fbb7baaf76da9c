import { KasConfig } from "@kas/core"

/** The feature-flag page (staff-web.md §17): each flag of the configuration with its value. */
export const featureFlagsView = (flags: KasConfig.BackOfficeConfig.FeatureFlags) => ({
  title: "Feature flags",
  rows: KasConfig.BackOfficeConfig.featureFlagVariables.map((f) => ({
    name: f.name,
    variable: f.variable,
    value: flags[f.name] ? "Til" : "Fra",
    fallback: f.fallback ? "Til" : "Fra"
  }))
})
