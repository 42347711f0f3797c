import { useEffect, useRef, useState } from 'react';

import { routePath, useRouter } from '../../app/router.js';
import { JobProgress } from '../../components/jobs/JobProgress.js';
import { type FormObject, SchemaForm } from '../../components/forms/SchemaForm.js';
import { useAuthStore } from '../../stores/auth-store.js';
import {
  captureNameProblem,
  type ConnectorTagDetail,
  suggestedCaptureName,
  useConnectorsStore,
} from '../../stores/connectors-store.js';
import { jobKey, useJobsStore } from '../../stores/jobs-store.js';
import { Step } from './WizardStep.js';

/** Steps 2–4 of the wizard for a tag with an endpoint schema: name, configuration, and the discover's job. */
export function DiscoverForm({ tag }: { readonly tag: ConnectorTagDetail }): React.JSX.Element {
  const roles = useAuthStore((s) => s.roles);
  const discover = useConnectorsStore((s) => s.discover);
  const submitting = useConnectorsStore((s) => s.submitting);
  const submitError = useConnectorsStore((s) => s.submitError);
  const startDiscover = useConnectorsStore((s) => s.startDiscover);
  const resetDiscover = useConnectorsStore((s) => s.resetDiscover);
  const navigate = useRouter((s) => s.navigate);
  const image = `${tag.connectors.image_name}${tag.image_tag}`;

  const [name, setName] = useState('');
  const [nameEdited, setNameEdited] = useState(false);
  const [showNameProblem, setShowNameProblem] = useState(false);
  const [config, setConfig] = useState<FormObject>({});
  const nameInput = useRef<HTMLInputElement>(null);

  // Suggest a name under the user's first writable prefix until they type their own (roles load late).
  useEffect(() => {
    if (!nameEdited) setName(suggestedCaptureName(tag.connectors.image_name, roles));
  }, [nameEdited, roles, tag.connectors.image_name]);

  const current = discover?.tagId === tag.id ? discover : null;
  const job = useJobsStore((s) => (current ? s.jobs[jobKey('discovers', current.discoverId)] : undefined));
  const running = submitting || (current !== null && (!job || job.endedAt === null));
  const succeeded = job?.status.type === 'success' && job.endedAt !== null;
  const problem = captureNameProblem(name, roles);
  const specs = job && 'specs' in job.status ? job.status.specs : null;

  const submit = (endpointConfig: FormObject): void => {
    if (problem) {
      setShowNameProblem(true);
      nameInput.current?.focus();
      return;
    }
    void startDiscover({
      tagId: tag.id,
      connectorId: tag.connector_id,
      captureName: name,
      endpointConfig,
      detail: `Discover ${name} with ${image}`,
      // A failed discover left its draft empty: a retry fills the same one.
      ...(current && !succeeded ? { draftId: current.draftId } : {}),
    });
  };

  return (
    <>
      <Step n={2} title="Capture name">
        <label className="field">
          <span>
            The capture’s catalog name; its collections get the same prefix (all before the last “/”)
          </span>
          <input
            ref={nameInput}
            className="capture-name"
            data-testid="capture-name"
            value={name}
            disabled={running}
            aria-invalid={showNameProblem && problem !== null}
            aria-describedby="capture-name-problem"
            onChange={(e) => {
              setName(e.target.value);
              setNameEdited(true);
            }}
            onBlur={() => setShowNameProblem(true)}
          />
        </label>
        <p id="capture-name-problem" className="field-problem" role={problem ? 'alert' : undefined}>
          {showNameProblem && problem ? problem : ''}
        </p>
      </Step>
      <Step n={3} title="Endpoint configuration">
        <SchemaForm
          schema={tag.endpoint_spec_schema}
          formData={config}
          onChange={setConfig}
          onSubmit={submit}
          disabled={running}
          idPrefix="endpoint"
          testId="endpoint-form"
        >
          <div className="form-actions">
            <button type="submit" className="primary" disabled={running} data-testid="discover-submit">
              {submitting
                ? 'Creating the draft…'
                : running
                  ? 'Discovering…'
                  : current
                    ? 'Discover again'
                    : 'Discover'}
            </button>
            <span className="muted">
              {current && !succeeded
                ? 'Runs the discovery again, into the same draft.'
                : 'Creates a draft and asks an agent to run the connector’s discovery.'}{' '}
              Secret fields are encrypted with this stack’s key before they are saved.
            </span>
          </div>
        </SchemaForm>
        {submitError && (
          <p className="banner" role="alert" data-testid="discover-error">
            {submitError}
          </p>
        )}
      </Step>
      {current && (
        <Step n={4} title="Discover">
          <p className="muted" data-testid="encrypted-fields">
            {current.encryptedFields.length > 0 ? (
              <>
                Saved encrypted (sops, this stack’s key; only the agent decrypts them, for the connector):{' '}
                {current.encryptedFields.map((f, i) => (
                  <span key={f}>
                    {i > 0 && ', '}
                    <code>{f}</code>
                  </span>
                ))}
                .
              </>
            ) : (
              'The connector’s schema marks no field secret: the configuration is saved as entered.'
            )}
          </p>
          <JobProgress table="discovers" id={current.discoverId} title="Discovering" />
          {succeeded && (
            <div className="discover-done" data-testid="discover-done">
              <p>
                Merged {specs ?? 'the'} specs (the capture <code>{current.captureName}</code> and its
                collections) into a draft.
              </p>
              <button
                className="primary"
                autoFocus
                data-testid="open-draft"
                onClick={() => navigate(routePath('drafts', current.draftId))}
              >
                Open the draft
              </button>{' '}
              <button onClick={resetDiscover}>Start over</button>
            </div>
          )}
          {job && job.endedAt !== null && !succeeded && (
            <p className="muted">Fix the configuration above and discover again: the same draft is reused.</p>
          )}
        </Step>
      )}
    </>
  );
}
