#!/usr/bin/env node
// Atiende runs from its TypeScript sources through tsx, so there is no separate build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
