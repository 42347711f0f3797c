import type { ConnectionInfo } from '../../../shared/stack-status.js';

/** "42s", "3m05s", "2h10m". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The connection details as a .env file (the key names of `supabase status -o env`). */
export function toEnvFile(connection: ConnectionInfo): string {
  return `${Object.entries(connection)
    .map(([key, value]) => `${key}="${String(value).replace(/(["\\$`])/g, '\\$1')}"`)
    .join('\n')}\n`;
}

/** Offers text as a file download. */
export function download(name: string, text: string, type: string): void {
  downloadBlob(name, new Blob([text], { type }));
}

/** Offers bytes as a file download (the browser saves it to its downloads folder). */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The click starts the download at once; the URL may go after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Bytes from base64 (the control API's JSON carries files that way). */
export function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** "14:03:22" and how long ago, for "ran at" lines. */
export function formatClock(iso: string, now: number): string {
  const at = Date.parse(iso);
  return `${new Date(at).toLocaleTimeString()} (${formatDuration(now - at)} ago)`;
}
