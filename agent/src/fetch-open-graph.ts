// `tsx agent/src/fetch-open-graph.ts <url>`: prints {"en-US": {title, description, image, ...}} for a URL, as the
// original fetch-open-graph binary did.
import { fetchOpenGraph } from './handlers/connector-tags/open-graph.js';

const url = process.argv[2];
if (!url) {
  console.error('usage: fetch-open-graph <url>');
  process.exit(2);
}
try {
  console.log(JSON.stringify(await fetchOpenGraph(url)));
} catch (error: unknown) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
