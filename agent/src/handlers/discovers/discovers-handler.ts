// Discovers: run the connector's discovery with `flowctl-go api discover` and merge the result into the draft.
import { pullImage } from '../../docker/image-puller.js';
import { apiDiscover } from '../../flow/flowctl.js';
import { exitDescription } from '../../flow/run-command.js';
import type { DiscoverStatus } from '../../jobs/job-status.js';
import type { DiscoverRow } from '../../jobs/job-rows.js';
import { errorMessage, type JobContext, type JobHandler } from '../../queue/job-handler.js';
import { unsealEndpointConfig } from '../../sops/config-unsealer.js';
import { NO_FLOW_BINARIES } from '../connector-tags/connector-tags-handler.js';
import { type DiscoveredBinding, discoveredSpecs, parseDiscoverOutput } from './discover-merge.js';

async function discover(ctx: JobContext<DiscoverRow>): Promise<DiscoverStatus> {
  const { row, log, config, client } = ctx;
  const image = `${row.image_name}${row.image_tag}`;
  const failed = (error: string): DiscoverStatus => {
    log.info(`discover failed: ${error}`);
    return { type: 'discoverFailed', error };
  };
  if (row.tag_job_type !== 'success') {
    return failed(
      `connector tag ${image} was not specified successfully (its status is ${row.tag_job_type})`,
    );
  }
  if (row.protocol !== 'capture')
    return failed(`${image} is a ${row.protocol ?? 'unknown'} connector, not a capture`);
  if (!config.binDir) return failed(NO_FLOW_BINARIES);
  if (row.image_tag !== ':local') {
    try {
      await pullImage(config.dockerSocket, image, log, ctx.signal);
    } catch (error: unknown) {
      return failed(errorMessage(error));
    }
  }
  let endpointConfig: unknown;
  try {
    // The draft keeps the config as it came (encrypted); only the connector sees it decrypted.
    endpointConfig = await unsealEndpointConfig(
      row.endpoint_config,
      config.sopsAgeKeyFile,
      'the endpoint config',
    );
  } catch (error: unknown) {
    return failed(errorMessage(error));
  }
  if (endpointConfig !== row.endpoint_config)
    log.info('decrypted the sops-encrypted endpoint config for the connector');
  const flow = { binDir: config.binDir, network: config.connectorNetwork, log, signal: ctx.signal };
  const result = await apiDiscover(flow, image, endpointConfig);
  if (result.code !== 0) return failed(`flowctl-go api discover ${exitDescription(result)}`);
  let bindings: DiscoveredBinding[];
  try {
    bindings = parseDiscoverOutput(result.stdout);
  } catch (error: unknown) {
    return failed(`invalid output of flowctl-go api discover: ${errorMessage(error)}`);
  }
  const specs = discoveredSpecs(row.capture_name, image, row.endpoint_config, bindings);
  // A savepoint, so that a spec the database rejects (e.g. an invalid collection name) fails only the merge.
  await client.query('savepoint merge');
  try {
    for (const s of specs) {
      await client.query(
        `insert into draft_specs (draft_id, catalog_name, spec, spec_type) values ($1, $2, $3::json, $4)
         on conflict (draft_id, catalog_name) do update set spec = excluded.spec, spec_type = excluded.spec_type,
           updated_at = now()`,
        [row.draft_id, s.name, JSON.stringify(s.spec), s.type],
      );
    }
    await client.query('update drafts set updated_at = clock_timestamp() where id = $1', [row.draft_id]);
  } catch (error: unknown) {
    await client.query('rollback to savepoint merge');
    log.info(`merge failed: ${errorMessage(error)}`);
    return { type: 'mergeFailed', error: errorMessage(error) };
  }
  log.info(`merged ${specs.length} spec(s) into draft ${row.draft_id}`);
  return { type: 'success', specs: specs.length };
}

/** Dequeues discovers and merges their results into drafts. */
export const discoversHandler: JobHandler<DiscoverRow> = {
  table: 'discovers',
  dequeueSql: `select d.id::text, d.logs_token::text, d.capture_name::text, d.connector_tag_id::text, d.draft_id::text,
      d.endpoint_config, c.image_name, t.image_tag, t.job_status->>'type' as tag_job_type, t.protocol
    from discovers d join connector_tags t on t.id = d.connector_tag_id join connectors c on c.id = t.connector_id
    where d.job_status->>'type' = 'queued'
    order by d.id limit 1 for update of d skip locked`,
  run: discover,
  failureStatus: (error) => ({ type: 'discoverFailed', error: errorMessage(error) }),
};
