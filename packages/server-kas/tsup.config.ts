import { packageBuild } from "../../tsup.base.js"

export default packageBuild(["src/index.ts", "src/bin/kas.ts", "src/bin/start.ts"], ["src/index.ts"])
