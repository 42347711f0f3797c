import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  META_GENERATED_PATH,
  renderMetaValidatorsModule,
} from '../../../../scripts/generate-meta-schema-validators.js';

describe('generated meta-schema validators', () => {
  it('are fresh (else: npx tsx scripts/generate-meta-schema-validators.ts)', async () => {
    expect(readFileSync(META_GENERATED_PATH, 'utf8')).toBe(await renderMetaValidatorsModule());
  });
});
