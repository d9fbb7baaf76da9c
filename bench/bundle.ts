import { build } from "esbuild"

/**
 * Bundles an entry point with esbuild into `outfile` as production runs it: plain JavaScript under node, our `@kas/…`
 * packages inlined from their sources, every other package left an import from node_modules.
 */
export const bundleEntry = async (entry: string, outfile: string): Promise<string> => {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["source"],
    outfile,
    logLevel: "warning",
    plugins: [
      {
        name: "node-modules-external",
        setup: (b) =>
          b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith("@kas/") ? undefined : { external: true }))
      }
    ]
  })
  return outfile
}
