#!/usr/bin/env node
import { startSelvbetjening } from "../main/web.js"

await startSelvbetjening()
