// Connector tags: pull the image (not for :local), `flowctl-go api spec`, then the connector's Open Graph metadata.
import { pullImage } from '../../docker/image-puller.js';
import { apiSpec } from '../../flow/flowctl.js';
import { exitDescription } from '../../flow/run-command.js';
import type { ConnectorTagStatus } from '../../jobs/job-status.js';
import type { ConnectorTagRow } from '../../jobs/job-rows.js';
import { errorMessage, type JobContext, type JobHandler } from '../../queue/job-handler.js';
import { fetchOpenGraph } from './open-graph.js';

/** The status and log line when there is no flowctl-go to run. */
export const NO_FLOW_BINARIES =
  'no Flow binaries are configured (--bin-dir): flowctl-go cannot run (control-plane-only mode)';

interface SpecOutput {
  readonly type: string;
  readonly documentationURL?: string;
  readonly endpointSpecSchema: object;
  readonly resourceSpecSchema: object;
  readonly oauth2Spec?: object | null;
}

function parseSpecOutput(stdout: string): SpecOutput {
  const parsed = JSON.parse(stdout) as Partial<SpecOutput>;
  const isObj = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (
    typeof parsed.type !== 'string' ||
    !isObj(parsed.endpointSpecSchema) ||
    !isObj(parsed.resourceSpecSchema)
  ) {
    throw new Error('the spec output lacks type, endpointSpecSchema or resourceSpecSchema');
  }
  return parsed as SpecOutput;
}

async function specify(ctx: JobContext<ConnectorTagRow>): Promise<ConnectorTagStatus> {
  const { row, log, config, client } = ctx;
  const image = `${row.image_name}${row.image_tag}`;
  if (row.image_tag !== ':local') {
    try {
      await pullImage(config.dockerSocket, image, log, ctx.signal);
    } catch (error: unknown) {
      log.info(`pull failed: ${errorMessage(error)}`);
      return { type: 'pullFailed', error: errorMessage(error) };
    }
  } else {
    log.info(`${image} is a locally built image: not pulling it`);
  }
  if (!config.binDir) {
    log.info(NO_FLOW_BINARIES);
    return { type: 'specFailed', error: NO_FLOW_BINARIES };
  }
  const result = await apiSpec(
    { binDir: config.binDir, network: config.connectorNetwork, log, signal: ctx.signal },
    image,
  );
  if (result.code !== 0)
    return { type: 'specFailed', error: `flowctl-go api spec ${exitDescription(result)}` };
  let spec: SpecOutput;
  try {
    spec = parseSpecOutput(result.stdout);
  } catch (error: unknown) {
    return { type: 'specFailed', error: `invalid output of flowctl-go api spec: ${errorMessage(error)}` };
  }
  await client.query(
    `update connector_tags set documentation_url = $2, endpoint_spec_schema = $3::json, resource_spec_schema = $4::json,
       protocol = $5, updated_at = now() where id = $1`,
    [
      row.id,
      spec.documentationURL ?? null,
      JSON.stringify(spec.endpointSpecSchema),
      JSON.stringify(spec.resourceSpecSchema),
      spec.type,
    ],
  );
  await client.query('update connectors set oauth2_spec = $2::jsonb, updated_at = now() where id = $1', [
    row.connector_id,
    spec.oauth2Spec ? JSON.stringify(spec.oauth2Spec) : null,
  ]);
  try {
    const openGraph = await fetchOpenGraph(row.external_url);
    await client.query('update connectors set open_graph_raw = $2::jsonb, updated_at = now() where id = $1', [
      row.connector_id,
      JSON.stringify(openGraph),
    ]);
  } catch (error: unknown) {
    log.info(`open graph of ${row.external_url}: ${errorMessage(error)}`);
    return { type: 'openGraphFailed', error: errorMessage(error) };
  }
  return { type: 'success' };
}

/** Dequeues connector tags and specifies them. */
export const connectorTagsHandler: JobHandler<ConnectorTagRow> = {
  table: 'connector_tags',
  dequeueSql: `select t.id::text, t.logs_token::text, t.connector_id::text, t.image_tag, c.image_name, c.external_url
    from connector_tags t join connectors c on c.id = t.connector_id
    where t.job_status->>'type' = 'queued'
    order by t.id limit 1 for update of t skip locked`,
  run: specify,
  failureStatus: (error) => ({ type: 'specFailed', error: errorMessage(error) }),
};
