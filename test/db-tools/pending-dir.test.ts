import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { defaultPendingDir } from '../../main/db-tools/pending-dir.js';
import { dataDirLayout } from '../../main/stack/data-dir.js';

describe('where db diff writes pending files by default', () => {
  const layout = dataDirLayout('/home/dev/.local/share/flow-desktop');

  it("a checkout (or FLOW_DESKTOP_SUPABASE_DIR): the project's supabase/pending", () => {
    expect(defaultPendingDir({ supabaseDir: '/src/flow-desktop/supabase', layout }, null)).toBe(
      path.join('/src/flow-desktop/supabase', 'pending'),
    );
    // A packaged app pointed at a project of its own writes there, not into the data directory.
    expect(
      defaultPendingDir(
        { supabaseDir: '/src/project/supabase', layout },
        '/opt/Flow Desktop/resources/supabase',
      ),
    ).toBe(path.join('/src/project/supabase', 'pending'));
  });

  it("a packaged app reading its read-only resources: the data directory's pending/", () => {
    expect(
      defaultPendingDir(
        { supabaseDir: '/opt/Flow Desktop/resources/supabase/', layout },
        '/opt/Flow Desktop/resources/supabase',
      ),
    ).toBe(path.join(layout.root, 'pending'));
  });
});
