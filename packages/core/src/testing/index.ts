export * as TestDatabase from "./TestDatabase.js"
export * as Chromium from "./Chromium.js"
export * as Accessibility from "./Accessibility.js"
