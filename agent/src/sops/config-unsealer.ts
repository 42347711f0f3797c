// Endpoint configs encrypted by the `oauth` function's encrypt-config (sops documents, shared/sops) are
// decrypted here, right before a connector or flowctl-go gets them, as Flow's runtime decrypts them with sops:
// drafts, live specs and publication history keep them encrypted.
import { existsSync, readFileSync } from 'node:fs';

import { isSopsDocument, unsealConfig } from '../../../shared/sops/sops-document.js';

/** The age identities (AGE-SECRET-KEY-1…) of a key file in age-keygen's format (SOPS_AGE_KEY_FILE). */
export function readAgeIdentities(keyFile: string): string[] {
  if (!existsSync(keyFile)) throw new Error(`the age key file ${keyFile} does not exist`);
  const identities = readFileSync(keyFile, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('AGE-SECRET-KEY-1'));
  if (identities.length === 0) throw new Error(`${keyFile} holds no age key (AGE-SECRET-KEY-1…)`);
  return identities;
}

/**
 * The endpoint config as the connector must see it: a sops document decrypted (its MAC checked, the `_sops`
 * suffixes stripped), anything else unchanged. `what` names the config in errors, which never quote values.
 */
export async function unsealEndpointConfig(
  config: unknown,
  keyFile: string | null,
  what: string,
): Promise<unknown> {
  if (!isSopsDocument(config)) return config;
  if (!keyFile) {
    throw new Error(
      `${what} is sops-encrypted, but this agent has no age key to decrypt it (--sops-age-key-file)`,
    );
  }
  try {
    return await unsealConfig(config, readAgeIdentities(keyFile));
  } catch (error: unknown) {
    throw new Error(
      `${what} is sops-encrypted and cannot be decrypted: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A build error: where (a flow.json scope) and what. */
export interface UnsealError {
  readonly scope: string;
  readonly detail: string;
}

/** The catalog a build gets: every capture's and materialization's endpoint config unsealed, or the errors. */
export async function unsealCatalog(
  catalog: Record<string, unknown>,
  keyFile: string | null,
): Promise<{ readonly catalog: Record<string, unknown>; readonly errors: readonly UnsealError[] }> {
  const errors: UnsealError[] = [];
  const out: Record<string, unknown> = { ...catalog };
  for (const section of ['captures', 'materializations']) {
    const specs = catalog[section];
    if (typeof specs !== 'object' || specs === null) continue;
    const unsealed: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(specs as Record<string, unknown>)) {
      const connector = (spec as { endpoint?: { connector?: { config?: unknown } } } | null)?.endpoint
        ?.connector;
      if (!connector || !isSopsDocument(connector.config)) {
        unsealed[name] = spec;
        continue;
      }
      try {
        const config = await unsealEndpointConfig(
          connector.config,
          keyFile,
          `the endpoint config of ${name}`,
        );
        const endpoint = (spec as { endpoint: Record<string, unknown> }).endpoint;
        unsealed[name] = {
          ...(spec as object),
          endpoint: { ...endpoint, connector: { ...connector, config } },
        };
      } catch (error: unknown) {
        errors.push({
          scope: `file:///flow.json#/${section}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}/endpoint/connector/config`,
          detail: error instanceof Error ? error.message : String(error),
        });
        unsealed[name] = spec;
      }
    }
    out[section] = unsealed;
  }
  return { catalog: out, errors };
}
