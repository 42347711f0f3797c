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
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
