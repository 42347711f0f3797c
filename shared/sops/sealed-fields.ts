// Which fields of a stored endpoint config are encrypted, for display (no crypto here: the GUI imports it).

/** True for a config that is a sops document (it has the `sops` block encrypt-config adds). */
export function isSealed(config: unknown): boolean {
  return (
    typeof config === 'object' &&
    config !== null &&
    !Array.isArray(config) &&
    typeof (config as { sops?: { mac?: unknown } }).sops?.mac === 'string'
  );
}

/**
 * The encrypted fields of a sops document, as dotted paths without the encrypted suffix (`password`,
 * `credentials.refresh_token`, `hosts[0].key`), in document order; none for a config that is not sealed.
 */
export function sealedFieldPaths(config: unknown): string[] {
  if (!isSealed(config)) return [];
  const suffix = (config as { sops: { encrypted_suffix?: unknown } }).sops.encrypted_suffix;
  if (typeof suffix !== 'string' || suffix === '') return [];
  const found: string[] = [];
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        if (at === '' && key === 'sops') continue;
        const name = key.endsWith(suffix) ? key.slice(0, -suffix.length) : key;
        const path = at === '' ? name : `${at}.${name}`;
        if (key.endsWith(suffix)) found.push(path);
        else walk(child, path);
      }
    }
  };
  walk(config, '');
  return found;
}
