import { sealConfig, type SopsJson } from 'flow-desktop:sops';

import { jsonResponse } from '../_shared/cors.ts';
import { selectOne } from '../_shared/service-rest.ts';
import { oauthConnector } from './connectors.ts';

/** The `encrypt-config` request: a connector tag's endpoint config, as the user entered it. */
export interface EncryptConfigRequest {
  readonly connector_id?: unknown;
  readonly connector_tag_id?: unknown;
  readonly config?: unknown;
}

/** Where the UI asks for the connector's own OAuth client credentials. */
const CREDENTIALS_KEY = 'credentials';
const CLIENT_CREDS_INJECTION = '_injectedDuringEncryption_';

function failure(status: number, description: string, details?: readonly string[]): Response {
  return jsonResponse(
    {
      error: {
        code: 'encryption_failure',
        message: 'Encryption failed.',
        description,
        ...(details ? { details } : {}),
      },
    },
    status,
  );
}

function isObject(value: unknown): value is Record<string, SopsJson> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Encrypts an endpoint config as Estuary's config-encryption service did, with the data directory's age key:
 * OAuth client credentials go in where the config asks for them (`_injectedDuringEncryption_`), the config is
 * validated against the tag's endpoint schema, and the fields it marks secret are sops-encrypted under a `_sops`
 * suffix. A result that still holds the client id or secret (or an injected value) in plain text is refused.
 */
export async function encryptConfig(request: EncryptConfigRequest): Promise<Response> {
  const { connector_id, connector_tag_id, config } = request;
  if (typeof connector_id !== 'string' || typeof connector_tag_id !== 'string' || !isObject(config)) {
    return jsonResponse(
      {
        error: {
          code: 'invalid_request',
          message: 'connector_id, connector_tag_id and config (a JSON object) are required',
        },
      },
      400,
    );
  }
  const connector = await oauthConnector(connector_id);
  if (!connector.ok) return jsonResponse({ error: connector.error }, 400);
  const tag = await selectOne<{ connector_id: string; endpoint_spec_schema: unknown }>(
    'connector_tags',
    'connector_id,endpoint_spec_schema',
    'id',
    connector_tag_id,
  );
  if (!tag.ok) return jsonResponse({ error: tag.error }, 400);
  if (tag.row.connector_id !== connector_id) {
    // The client credentials of one connector must never be checked against another connector's schema.
    return failure(400, `connector tag ${connector_tag_id} is not a tag of connector ${connector_id}`);
  }
  if (tag.row.endpoint_spec_schema === null) {
    return failure(
      400,
      `connector tag ${connector_tag_id} has no endpoint schema yet (its spec job has not succeeded)`,
    );
  }
  const { oauth2_client_id, oauth2_client_secret, oauth2_injected_values } = connector.row;
  const plain = structuredClone(config);
  const credentials = plain[CREDENTIALS_KEY];
  if (
    isObject(credentials) &&
    credentials.client_id === CLIENT_CREDS_INJECTION &&
    credentials.client_secret === CLIENT_CREDS_INJECTION
  ) {
    credentials.client_id = oauth2_client_id;
    credentials.client_secret = oauth2_client_secret;
    Object.assign(credentials, oauth2_injected_values ?? {});
  }
  const recipient = Deno.env.get('FLOW_SOPS_AGE_RECIPIENT');
  if (!recipient)
    return failure(503, 'no age key is configured for this stack (FLOW_SOPS_AGE_RECIPIENT is not set)');
  let sealed: Awaited<ReturnType<typeof sealConfig>>;
  try {
    sealed = await sealConfig(tag.row.endpoint_spec_schema, plain, [recipient]);
  } catch (error: unknown) {
    return failure(400, 'Failed to encrypt the endpoint specification.', [
      error instanceof Error ? error.message : String(error),
    ]);
  }
  if (!sealed.ok) return failure(400, 'Failed to encrypt the endpoint specification.', sealed.errors);
  const output = JSON.stringify(sealed.document);
  const injected = Object.values(oauth2_injected_values ?? {}).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  const exposed = [oauth2_client_id, oauth2_client_secret, ...injected].some(
    (secret) => typeof secret === 'string' && secret.length > 0 && output.includes(secret),
  );
  if (exposed) {
    return jsonResponse(
      {
        error: {
          code: 'exposed_secret',
          message: `Request denied: "client id", "client secret" or some other injected secrets could have been leaked.`,
          description:
            'client_id, client_secret or some other injected secrets were not encrypted as part of this request.\nMake sure that they are marked with secret: true in the endpoint spec schema',
        },
      },
      400,
    );
  }
  return new Response(output, {
    headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' },
  });
}
