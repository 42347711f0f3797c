// Turning a DiscoverResponse into draft specs (contracts §4): one capture named capture_name, one collection per
// binding named `<prefix of capture_name>/<recommendedName>`.

/** One discovered binding (2022 jsonpb shape). */
export interface DiscoveredBinding {
  readonly recommendedName: string;
  readonly resourceSpec: object;
  readonly documentSchema: object;
  readonly keyPtrs?: readonly string[];
}

/** Parses the stdout of `api discover`. */
export function parseDiscoverOutput(stdout: string): DiscoveredBinding[] {
  const parsed = JSON.parse(stdout) as { bindings?: unknown };
  if (!Array.isArray(parsed.bindings)) throw new Error('the discover output has no "bindings" array');
  return parsed.bindings.map((b: unknown, i) => {
    const binding = b as Partial<DiscoveredBinding> | null;
    if (
      typeof binding?.recommendedName !== 'string' ||
      typeof binding.resourceSpec !== 'object' ||
      typeof binding.documentSchema !== 'object'
    ) {
      throw new Error(`discovered binding ${i} lacks recommendedName, resourceSpec or documentSchema`);
    }
    return binding as DiscoveredBinding;
  });
}

/** The draft specs a discover produces. */
export function discoveredSpecs(
  captureName: string,
  image: string,
  endpointConfig: unknown,
  bindings: readonly DiscoveredBinding[],
): { name: string; type: 'capture' | 'collection'; spec: unknown }[] {
  const slash = captureName.lastIndexOf('/');
  const prefix = slash >= 0 ? captureName.slice(0, slash + 1) : '';
  const collections = bindings.map((b) => ({
    name: `${prefix}${b.recommendedName}`,
    type: 'collection' as const,
    spec: { schema: b.documentSchema, key: b.keyPtrs ?? [] },
  }));
  const capture = {
    name: captureName,
    type: 'capture' as const,
    spec: {
      endpoint: { connector: { image, config: endpointConfig } },
      bindings: bindings.map((b, i) => ({ resource: b.resourceSpec, target: collections[i]!.name })),
    },
  };
  return [capture, ...collections];
}
