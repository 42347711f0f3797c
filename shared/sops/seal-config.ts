// What Estuary's config-encryption service does for the `encrypt-config` operation: validate a connector config
// against its endpoint schema, give every secret property the `_sops` suffix, and sops-encrypt the document so
// that only the suffixed parts are ciphertext (the rest stays readable, and the MAC covers everything).
import { ENCRYPTED_SUFFIX, encryptSops, type SopsDocument } from './sops-document.js';
import type { SopsJson } from './sops-values.js';
import { secretLocations } from './secret-locations.js';

export type { SopsJson } from './sops-values.js';

/** A sealed config, or why the config could not be sealed (messages never quote values). */
export type SealResult =
  | { readonly ok: true; readonly document: SopsDocument; readonly secrets: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Seals a config for the given age recipients. */
export async function sealConfig(
  schema: unknown,
  config: { readonly [key: string]: SopsJson },
  recipients: readonly string[],
  now?: Date,
): Promise<SealResult> {
  if ('sops' in config) return { ok: false, errors: ['the config is already sops-encrypted'] };
  const found = secretLocations(schema, config);
  if (!found.valid) return { ok: false, errors: found.errors };
  let suffixed: SopsJson;
  try {
    suffixed = withSuffix(config, found.pointers, ENCRYPTED_SUFFIX);
  } catch (error: unknown) {
    return { ok: false, errors: [error instanceof Error ? error.message : String(error)] };
  }
  const document = await encryptSops(suffixed as { [key: string]: SopsJson }, {
    recipients,
    encryptedSuffix: ENCRYPTED_SUFFIX,
    ...(now ? { now } : {}),
  });
  return { ok: true, document, secrets: found.pointers };
}

/** A copy of the config whose properties at `pointers` are renamed `<name><suffix>` (deepest first). */
export function withSuffix(config: SopsJson, pointers: readonly string[], suffix: string): SopsJson {
  const copy = structuredClone(config);
  const byDepth = [...pointers].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const pointer of byDepth) {
    if (pointer === '') throw new Error('the endpoint schema marks the whole config secret');
    const tokens = pointer
      .slice(1)
      .split('/')
      .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const key = tokens.pop()!;
    let parent: SopsJson = copy;
    for (const token of tokens) {
      parent = Array.isArray(parent)
        ? (parent[Number(token)] as SopsJson)
        : ((parent as Record<string, SopsJson>)[token] as SopsJson);
    }
    if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) {
      throw new Error(`the secret at ${pointer} is not an object property`);
    }
    // Rebuilt to keep the key's place: sops hashes leaves in document order.
    const entries = Object.entries(parent).map(([k, v]): [string, SopsJson] => [
      k === key ? `${k}${suffix}` : k,
      v,
    ]);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) parent[k] = v;
  }
  return copy;
}
