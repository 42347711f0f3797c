/** Open Graph metadata of a page, in the shape of connectors.open_graph_raw (keyed by language). */
export interface OpenGraph {
  readonly 'en-US': {
    readonly title?: string;
    readonly description?: string;
    readonly image?: string;
    readonly image_height?: string;
    readonly image_width?: string;
    readonly site_name?: string;
  };
}

/**
 * Fetches a URL and parses its Open Graph metadata with open-graph-scraper (the maintained library; no hand-written
 * HTML parsing). The page is fetched here, so that local (http://127.0.0.1) pages work and the timeout is ours.
 */
export async function fetchOpenGraph(url: string, timeoutMs = 10_000): Promise<OpenGraph> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const html = await response.text();
  // Loaded on first use: it is a large import, and most agent starts never need it.
  const { default: ogs } = await import('open-graph-scraper');
  const { error, result } = await ogs({ html });
  if (error) throw new Error(`no Open Graph metadata at ${url}`);
  const image = result.ogImage?.[0];
  const fields: Record<string, string | undefined> = {
    title: result.ogTitle ?? result.dcTitle,
    description: result.ogDescription ?? result.dcDescription,
    image: image?.url ? new URL(image.url, url).toString() : undefined,
    image_height: image?.height !== undefined ? String(image.height) : undefined,
    image_width: image?.width !== undefined ? String(image.width) : undefined,
    site_name: result.ogSiteName,
  };
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== ''));
  return { 'en-US': present };
}
