import { packageBuild } from "../../tsup.base.js"

export default packageBuild(["src/index.ts", "src/bin/selvbetjening.ts"], ["src/index.ts"])
