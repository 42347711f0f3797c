import { useState } from 'react';

import type { ConnectionInfo } from '../../../shared/stack-status.js';
import { download, toEnvFile } from '../lib/format.js';
import { useStackStore } from '../stores/stack-store.js';
import { CopyButton } from './CopyButton.js';

const SECRET: ReadonlySet<keyof ConnectionInfo> = new Set(['SERVICE_ROLE_KEY', 'JWT_SECRET']);

/** URLs and keys with copy buttons; secrets masked until revealed; export as .env or JSON. */
export function ConnectionPanel(): React.JSX.Element {
  const connection = useStackStore((s) => s.status?.connection);
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  if (!connection)
    return <section className="panel muted">Waiting for the stack's connection details…</section>;
  const entries = Object.entries(connection) as [keyof ConnectionInfo, string][];
  return (
    <section className="panel">
      <table className="connection">
        <tbody>
          {entries.map(([key, value]) => {
            const hidden = SECRET.has(key) && !revealed.has(key);
            return (
              <tr key={key} data-testid={`conn-${key}`}>
                <th scope="row">{key}</th>
                <td>
                  <code className="value">{hidden ? '•'.repeat(24) : value}</code>
                </td>
                <td className="row-actions">
                  {SECRET.has(key) && (
                    <button onClick={() => setRevealed(toggled(revealed, key))}>
                      {hidden ? 'Reveal' : 'Hide'}
                    </button>
                  )}
                  <CopyButton text={value} what={key} testId={`copy-${key}`} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="actions">
        <button onClick={() => download('flow-desktop.env', toEnvFile(connection), 'text/plain')}>
          Export .env
        </button>
        <button
          onClick={() =>
            download('flow-desktop.json', JSON.stringify(connection, null, 2), 'application/json')
          }
        >
          Export JSON
        </button>
      </div>
    </section>
  );
}

function toggled(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}
