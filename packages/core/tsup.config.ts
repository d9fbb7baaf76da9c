import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/testing/index.ts", "src/web/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // dependencies (workspace packages too) stay imports: bundling them breaks pg and import.meta.url
  skipNodeModulesBundle: true
})
