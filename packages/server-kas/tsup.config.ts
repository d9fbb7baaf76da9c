import { packageBuild } from "../../tsup.base.js"

export default packageBuild(
  ["src/index.ts", "src/bin/kas.ts", "src/bin/start.ts", "src/main/databaseHolder.ts"],
  ["src/index.ts"]
)
