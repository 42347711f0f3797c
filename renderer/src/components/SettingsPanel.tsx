import { useCallback, useEffect, useState } from 'react';

import type { Settings, SettingsInfo } from '../../../shared/control-api.js';
import { explainedText } from '../api/explain-error.js';
import { useStackStore } from '../stores/stack-store.js';
import { ErrorNotice } from './feedback/ErrorNotice.js';

const PORTS = [
  ['dbPort', 'Postgres port'],
  ['apiPort', 'Supabase API port'],
  ['uiPort', 'Web UI port'],
  ['mailboxPort', 'Mailbox port'],
] as const;

/** Ports, agent instances, Flow bin directory and keep-running-on-quit; saved for the next start. */
export function SettingsPanel(): React.JSX.Element {
  const api = useStackStore((s) => s.api);
  const act = useStackStore((s) => s.act);
  const [info, setInfo] = useState<SettingsInfo | null>(null);
  const [draft, setDraft] = useState<Settings>({});
  const [message, setMessage] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);
  const load = useCallback(async (): Promise<void> => {
    if (!api) return;
    setLoadError(null);
    try {
      const r = await api.call('GET /v1/settings', {});
      setInfo(r);
      setDraft({ ...r.settings });
    } catch (error: unknown) {
      setLoadError(explainedText(error));
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);
  if (loadError)
    return (
      <section className="panel">
        <ErrorNotice
          error={`The settings could not be read. ${loadError}`}
          controlPlane={false}
          onRetry={() => void load()}
          testId="settings-error"
        />
      </section>
    );
  if (!info) return <section className="panel muted">Reading the settings…</section>;
  const save = async (): Promise<void> => {
    if (!api) return;
    try {
      const saved = await api.call('PUT /v1/settings', draft);
      setInfo(saved);
      setMessage(saved.restartNeeded ? 'Saved. Restart the stack to apply.' : 'Saved.');
    } catch (error: unknown) {
      setMessage(explainedText(error));
    }
  };
  return (
    <section className="panel settings">
      <p className="muted">Data directory: {info.effective.dataDir}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {PORTS.map(([key, label]) => (
          <label key={key}>
            {label}
            <input
              type="number"
              min={1}
              max={65535}
              value={draft[key] ?? info.effective[key]}
              onChange={(e) => setDraft({ ...draft, [key]: Number(e.target.value) })}
            />
          </label>
        ))}
        <label>
          Agent instances
          <input
            type="number"
            min={0}
            max={16}
            value={draft.agentCount ?? info.effective.agentCount}
            onChange={(e) => setDraft({ ...draft, agentCount: Number(e.target.value) })}
          />
        </label>
        <label>
          Flow bin directory
          <input
            value={draft.flowBinDir ?? info.effective.flowBinDir ?? ''}
            placeholder="/path/to/flow/bin"
            onChange={(e) => setDraft({ ...draft, flowBinDir: e.target.value || null })}
          />
        </label>
        <ul className="binaries">
          {info.binaries.map((b) => (
            <li key={b.name}>
              {b.path ? '✓' : '✕'} {b.name}{' '}
              {b.path ? <span className="muted">{b.path}</span> : <span className="muted">not found</span>}
            </li>
          ))}
        </ul>
        <label className="inline">
          <input
            type="checkbox"
            checked={draft.keepRunningOnQuit ?? false}
            onChange={(e) => setDraft({ ...draft, keepRunningOnQuit: e.target.checked })}
          />{' '}
          Keep the stack running when the app quits
        </label>
        <div className="actions">
          <button type="submit">Save</button>
          {info.restartNeeded && (
            <button
              type="button"
              onClick={() =>
                void act('restart the stack', (a) => a.call('POST /v1/stack/restart', { requestedBy: 'gui' }))
              }
            >
              Restart the stack to apply
            </button>
          )}
        </div>
        {message && <p role="status">{message}</p>}
      </form>
    </section>
  );
}
