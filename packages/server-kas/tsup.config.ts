import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/bin/kas.ts", "src/bin/start.ts"],
  format: ["esm"],
  dts: { entry: "src/index.ts" },
  clean: true,
  sourcemap: true,
  target: "node20",
  // dependencies (workspace packages too) stay imports: bundling them breaks pg and import.meta.url
  skipNodeModulesBundle: true
})
