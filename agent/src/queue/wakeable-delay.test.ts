import { describe, expect, it } from 'vitest';

import { WakeableDelay } from './wakeable-delay.js';

describe('WakeableDelay', () => {
  it('wakes a sleeper at once, and remembers a wake that came while awake', async () => {
    const delay = new WakeableDelay();
    let begun = performance.now();
    const sleeping = delay.sleep(5000);
    delay.wake();
    await sleeping;
    expect(performance.now() - begun).toBeLessThan(100);

    delay.wake();
    begun = performance.now();
    await delay.sleep(5000);
    expect(performance.now() - begun).toBeLessThan(50);

    begun = performance.now();
    await delay.sleep(30);
    expect(performance.now() - begun).toBeGreaterThanOrEqual(25);
  });
});
