import pg from 'pg';

/** The OAuth client the provider double knows and the test connector is registered with. */
export const CLIENT = { id: 'client-abc', secret: 'shh-client-secret-0123456789' };

/** A value the connector injects into the credentials (only the service may know it). */
export const INJECTED = { account_token_injected: 'injected-secret-777' };

/**
 * An endpoint schema as connectors write them: plain fields, a `secret: true` password, and credentials that
 * are either OAuth (client credentials and refresh token, all secret; Airbyte's `airbyte_secret` too) or a
 * token from a `$ref`d definition.
 */
export const ENDPOINT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Test source',
  type: 'object',
  required: ['host', 'credentials'],
  properties: {
    host: { type: 'string', title: 'Host' },
    port: { type: 'integer', default: 5432 },
    password: { type: 'string', secret: true },
    credentials: {
      title: 'Authentication',
      oneOf: [
        {
          title: 'OAuth',
          type: 'object',
          required: ['auth_type', 'client_id', 'client_secret', 'refresh_token'],
          properties: {
            auth_type: { const: 'oauth2' },
            client_id: { type: 'string', secret: true },
            client_secret: { type: 'string', secret: true },
            refresh_token: { type: 'string', airbyte_secret: true },
            account_token_injected: { type: 'string', secret: true },
          },
        },
        {
          title: 'Token',
          type: 'object',
          required: ['auth_type', 'token'],
          properties: { auth_type: { const: 'token' }, token: { $ref: '#/definitions/token' } },
        },
      ],
    },
  },
  definitions: { token: { type: 'string', secret: true } },
};

/** The same, except that the OAuth client secret is not marked secret (a badly written connector). */
export const LEAKY_SCHEMA = {
  type: 'object',
  properties: {
    credentials: {
      type: 'object',
      properties: { client_id: { type: 'string', secret: true }, client_secret: { type: 'string' } },
    },
  },
};

/** The OAuth2 spec of a connector whose provider takes a form body with client credentials in it. */
export function formSpec(provider: string): Record<string, unknown> {
  return {
    provider: 'double',
    authUrlTemplate:
      `${provider}/authorize?client_id={{#urlencode}}{{{ client_id }}}{{/urlencode}}` +
      '&redirect_uri={{#urlencode}}{{{ redirect_uri }}}{{/urlencode}}&response_type=code' +
      '&state={{#urlencode}}{{{ state }}}{{/urlencode}}&scope={{#urlencode}}{{{ config.scope }}}{{/urlencode}}',
    accessTokenUrlTemplate: `${provider}/token`,
    accessTokenHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
    accessTokenBody:
      'grant_type=authorization_code&client_id={{#urlencode}}{{{ client_id }}}{{/urlencode}}' +
      '&client_secret={{#urlencode}}{{{ client_secret }}}{{/urlencode}}' +
      '&redirect_uri={{#urlencode}}{{{ redirect_uri }}}{{/urlencode}}&code={{#urlencode}}{{{ code }}}{{/urlencode}}',
    accessTokenResponseMap: {
      access_token: '/access_token',
      refresh_token: '/refresh_token',
      account: '/nested/account',
      expires_at: '{{#now_plus}}{{ expires_in }}{{/now_plus}}',
    },
  };
}

/** The OAuth2 spec of a connector whose provider takes JSON and HTTP Basic client authentication. */
export function basicAuthSpec(provider: string): Record<string, unknown> {
  return {
    provider: 'double',
    authUrlTemplate:
      `${provider}/authorize?client_id={{ client_id }}&state={{#urlencode}}{{{ state }}}{{/urlencode}}` +
      '&redirect_uri={{#urlencode}}{{{ redirect_uri }}}{{/urlencode}}',
    accessTokenUrlTemplate: `${provider}/token`,
    accessTokenHeaders: {
      Authorization: 'Basic {{#basicauth}}{{{ client_id }}}:{{{ client_secret }}}{{/basicauth}}',
    },
    accessTokenBody:
      '{"grant_type": "authorization_code", "code": "{{{ code }}}", "redirect_uri": "{{{ redirect_uri }}}"}',
    accessTokenResponseMap: { access_token: '/access_token' },
  };
}

/** Ids of the connectors and tags the fixtures create. */
export interface OAuthConnectors {
  readonly form: { readonly connectorId: string; readonly tagId: string };
  readonly basic: { readonly connectorId: string; readonly tagId: string };
  readonly leaky: { readonly connectorId: string; readonly tagId: string };
}

/** Inserts the test connectors (as the database owner: the connector table is the agent's to write). */
export async function insertOAuthConnectors(databaseUrl: string, provider: string): Promise<OAuthConnectors> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const add = async (
      name: string,
      spec: Record<string, unknown>,
      schema: unknown,
    ): Promise<{ connectorId: string; tagId: string }> => {
      const connector = await client.query<{ id: string }>(
        `insert into connectors (image_name, external_url, oauth2_client_id, oauth2_client_secret,
           oauth2_injected_values, oauth2_spec)
         values ($1, 'https://example.com', $2, $3, $4, $5) returning id::text`,
        [`ghcr.io/test/${name}`, CLIENT.id, CLIENT.secret, JSON.stringify(INJECTED), JSON.stringify(spec)],
      );
      const connectorId = connector.rows[0]!.id;
      const tag = await client.query<{ id: string }>(
        `insert into connector_tags (connector_id, image_tag, endpoint_spec_schema, protocol, job_status)
         values ($1, ':v1', $2, 'capture', '{"type":"success"}') returning id::text`,
        [connectorId, JSON.stringify(schema)],
      );
      return { connectorId, tagId: tag.rows[0]!.id };
    };
    return {
      form: await add('source-form', formSpec(provider), ENDPOINT_SCHEMA),
      basic: await add('source-basic', basicAuthSpec(provider), ENDPOINT_SCHEMA),
      leaky: await add('source-leaky', formSpec(provider), LEAKY_SCHEMA),
    };
  } finally {
    await client.end();
  }
}
