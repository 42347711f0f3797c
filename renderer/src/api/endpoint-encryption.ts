import type { SupabaseClient } from '@supabase/supabase-js';

import type { Json } from '../../../shared/control-plane-rows.js';
import { sealedFieldPaths } from '../../../shared/sops/sealed-fields.js';

/** An endpoint config as it is stored: a sops document, and which of its fields are encrypted. */
export interface EncryptedEndpointConfig {
  readonly config: Record<string, Json>;
  readonly encryptedFields: readonly string[];
}

/**
 * Encrypts an endpoint config with the stack's `oauth` Edge Function (`encrypt-config`), as the Estuary UI does
 * before it saves one: the fields the connector's schema marks secret come back sops-encrypted with the stack's
 * key (only the agent, right before the connector runs, can decrypt them). Throws an Error saying why not.
 */
export async function encryptEndpointConfig(
  client: SupabaseClient,
  connectorId: string,
  tagId: string,
  config: Record<string, Json>,
): Promise<EncryptedEndpointConfig> {
  const result = await client.functions.invoke<Record<string, Json>>('oauth', {
    body: { operation: 'encrypt-config', connector_id: connectorId, connector_tag_id: tagId, config },
  });
  const error: unknown = result.error;
  if (error) throw new Error(`The configuration could not be encrypted: ${await reason(error)}`);
  const data = result.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error('The configuration could not be encrypted: the oauth function answered no JSON object');
  }
  return { config: data, encryptedFields: sealedFieldPaths(data) };
}

/** What the function (or the way to it) said, in a sentence. */
async function reason(error: unknown): Promise<string> {
  const context = (error as { context?: unknown }).context;
  if (!(context instanceof Response)) {
    return `the Edge Functions runtime (/functions/v1) could not be reached (${error instanceof Error ? error.message : String(error)})`;
  }
  const text = await context.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    return `${text || context.statusText} (HTTP ${context.status})`;
  }
  const e = (body as { error?: unknown; msg?: unknown; message?: unknown }) ?? {};
  if (typeof e.error === 'object' && e.error !== null) {
    const { description, message, details } = e.error as {
      description?: unknown;
      message?: unknown;
      details?: unknown;
    };
    const lead = typeof description === 'string' ? description : typeof message === 'string' ? message : '';
    const more = Array.isArray(details) ? ` ${details.map(String).join('; ')}` : '';
    return `${lead}${more} (HTTP ${context.status})`.trim();
  }
  const said = [e.error, e.msg, e.message].find((v) => typeof v === 'string');
  return `${typeof said === 'string' ? said : text} (HTTP ${context.status})`;
}
