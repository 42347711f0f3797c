import { type RowResult, selectOne } from '../_shared/service-rest.ts';

/** A connector's OAuth2 columns (the client secret is readable only by the service role). */
export interface OAuthConnector {
  readonly oauth2_client_id: string | null;
  readonly oauth2_client_secret: string | null;
  readonly oauth2_injected_values: Record<string, unknown> | null;
  readonly oauth2_spec: OAuth2Spec | null;
}

/** The connector's OAuth2 spec as `flowctl-go api spec` reported it. */
export interface OAuth2Spec {
  readonly provider?: string;
  readonly authUrlTemplate?: string;
  readonly accessTokenUrlTemplate?: string;
  readonly accessTokenBody?: string;
  readonly accessTokenHeaders?: Record<string, unknown>;
  readonly accessTokenResponseMap?: Record<string, string>;
}

/** Reads a connector's OAuth2 columns by id. */
export function oauthConnector(connectorId: string): Promise<RowResult<OAuthConnector>> {
  return selectOne<OAuthConnector>(
    'connectors',
    'oauth2_client_id,oauth2_client_secret,oauth2_injected_values,oauth2_spec',
    'id',
    connectorId,
  );
}

/** The redirect URI when the caller gives none (the original function's default). */
export const DEFAULT_REDIRECT_URI = 'https://dashboard.estuary.dev/oauth';
