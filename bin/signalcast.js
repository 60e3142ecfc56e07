#!/usr/bin/env node
// The `signalcast` command: runs main.ts through tsx, so `npx signalcast` works without a build step.
/* global process */
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main.ts');
process.exit(await main(process.argv.slice(2)));
