import { defineConfig, type Options } from "tsup"

/** The build every package shares: ESM + `.d.ts`, node20, dependencies (workspace packages too) left as imports. */
export const packageBuild = (entry: ReadonlyArray<string>, dtsEntry: ReadonlyArray<string> = entry) =>
  defineConfig({
    entry: [...entry],
    format: ["esm"],
    dts: { entry: [...dtsEntry] },
    clean: true,
    sourcemap: true,
    target: "node20",
    // bundling dependencies breaks pg ("Dynamic require") and moves import.meta.url
    skipNodeModulesBundle: true
  } satisfies Options)
