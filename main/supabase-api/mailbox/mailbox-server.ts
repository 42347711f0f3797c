import type http from 'node:http';

import { sendJson, send } from '../http/http-io.js';
import { GUARD_HEADERS, refusal } from './mailbox-guard.js';
import type { MailMessage, MailStore } from './mail-store.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(messages: readonly MailMessage[]): string {
  const rows = messages
    .map(
      (m) => `<article><h2>${escapeHtml(m.subject)}</h2>
<p class="meta">To ${escapeHtml(m.to)} · ${escapeHtml(m.date)}</p>
${m.otp ? `<p>Code: <code>${escapeHtml(m.otp)}</code></p>` : ''}
<ul>${m.links.map((l) => `<li><a href="${escapeHtml(l)}">${escapeHtml(l)}</a></li>`).join('')}</ul>
<pre>${escapeHtml(m.text)}</pre></article>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Flow Desktop mailbox</title>
<meta http-equiv="refresh" content="10">
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto}article{border-bottom:1px solid #ddd}
.meta{color:#666}pre{white-space:pre-wrap}</style></head>
<body><h1>Mailbox</h1><p>${messages.length} message(s). JSON API: <code>GET /api/v1/messages[?to=]</code>,
<code>GET|DELETE /api/v1/messages/{id}</code>, <code>GET|DELETE /api/v1/mailbox/{email}</code>,
<code>DELETE /api/v1/messages</code>.</p>${rows || '<p>No messages yet.</p>'}</body></html>`;
}

/**
 * Routes of the mailbox: an HTML page at `/`, and a JSON API under `/api/v1`, for this machine's own clients
 * only (see mailbox-guard.ts): no CORS, loopback Host, no foreign Origin.
 */
export function mailboxHandler(store: MailStore): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailbox');
    const method = req.method ?? 'GET';
    const h = GUARD_HEADERS;
    let parts: string[];
    try {
      parts = url.pathname
        .split('/')
        .filter((p) => p !== '')
        .map(decodeURIComponent);
    } catch {
      sendJson(res, 400, { error: 'malformed path' }, h);
      return;
    }
    const refused = refusal(req, parts.length === 0 && method === 'GET');
    if (refused !== null) {
      sendJson(res, 403, { error: refused }, h);
      return;
    }
    if (parts.length === 0 && method === 'GET') {
      send(res, 200, page(store.list()), { ...h, 'Content-Type': 'text/html; charset=utf-8' });
      return;
    }
    if (parts[0] !== 'api' || parts[1] !== 'v1') {
      sendJson(res, 404, { error: 'not found' }, h);
      return;
    }
    const [, , kind, key] = parts;
    if (kind === 'messages' && key === undefined) {
      if (method === 'GET') sendJson(res, 200, store.list(url.searchParams.get('to') ?? undefined), h);
      else if (method === 'DELETE') sendJson(res, 200, { deleted: store.clear() }, h);
      else sendJson(res, 405, { error: 'method not allowed' }, h);
      return;
    }
    if (kind === 'messages' && key !== undefined && parts.length === 4) {
      const message = store.get(key);
      if (!message) sendJson(res, 404, { error: 'no such message' }, h);
      else if (method === 'GET') sendJson(res, 200, message, h);
      else if (method === 'DELETE') sendJson(res, 200, { deleted: store.delete(key) ? 1 : 0 }, h);
      else sendJson(res, 405, { error: 'method not allowed' }, h);
      return;
    }
    if (kind === 'mailbox' && key !== undefined && parts.length === 4) {
      if (method === 'GET') sendJson(res, 200, store.list(key), h);
      else if (method === 'DELETE') sendJson(res, 200, { deleted: store.clear(key) }, h);
      else sendJson(res, 405, { error: 'method not allowed' }, h);
      return;
    }
    sendJson(res, 404, { error: 'not found' }, h);
  };
}
