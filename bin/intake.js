#!/usr/bin/env node
// The `intake` command: the compiled CLI (built by `npm run build`, which `npm ci` runs as `prepare`).
import { main } from '../dist/main/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
