#!/usr/bin/env node
// `npm run token-server`: runs main.ts on Node 20 without a build step, through Vite's module
// runner (the TypeScript is transformed as it is imported; dependencies load as they are).
import { runnerImport } from 'vite'

await runnerImport(new URL('./main.ts', import.meta.url).pathname, { configFile: false, logLevel: 'silent' })
