// The control plane's `oauth` Edge Function, as the Estuary UI calls it on every connector create flow:
// POST /functions/v1/oauth with `operation` = auth-url, access-token or encrypt-config.
import { corsHeaders, jsonResponse } from '../_shared/cors.ts';
import { accessToken } from './access-token.ts';
import { authUrl } from './auth-url.ts';
import { encryptConfig } from './encrypt-config.ts';

console.log('OAuth functions started.');

Deno.serve(async (req) => {
  if (req.method === 'OPTIONS') return new Response('ok', { headers: corsHeaders });
  let request: unknown;
  try {
    // supabase-js v1 sends the JSON as text/plain: the body is parsed whatever its content type.
    request = await req.json();
  } catch {
    request = null;
  }
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    return jsonResponse(
      { error: { code: 'invalid_request', message: 'the body must be a JSON object with an "operation"' } },
      400,
    );
  }
  const body = request as Record<string, unknown>;
  switch (body.operation) {
    case 'auth-url':
      return authUrl(body);
    case 'access-token':
      return accessToken(body);
    case 'encrypt-config':
      return encryptConfig(body);
    default:
      return jsonResponse({ error: 'unknown_operation' }, 400);
  }
});
