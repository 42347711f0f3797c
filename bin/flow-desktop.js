#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so a clean `npm ci` is all it needs: no build step.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
