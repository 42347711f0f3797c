import { describe, expect, it } from 'vitest';

import { targetListOrigins } from './node-tree.js';

// Shaped like PostgreSQL 17's pg_rewrite.ev_action text (fields trimmed): a union branch's subquery with a
// target list of its own, names escaped with backslashes, a constant's datum bytes, a junk entry.
const VIEW = String.raw`({QUERY :commandType 1 :querySource 0 :rtable ({RANGETBLENTRY :alias {ALIAS :aliasname *SELECT*\ 1 :colnames <>} :rtekind 1 :subquery {QUERY :commandType 1 :targetList ({TARGETENTRY :expr {VAR :varno 1 :varattno 9} :resno 1 :resname x :resorigtbl 999 :resorigcol 9 :resjunk false})} :lateral false}) :jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1}) :quals <>} :targetList ({TARGETENTRY :expr {VAR :varno 1 :varattno 3 :vartype 25} :resno 1 :resname a\ b :ressortgroupref 0 :resorigtbl 16400 :resorigcol 3 :resjunk false} {TARGETENTRY :expr {FUNCEXPR :funcid 1 :args ({CONST :consttype 20 :constlen 8 :constvalue 8 [ 1 0 0 0 0 0 0 0 ]})} :resno 2 :resname \{x\)\  :ressortgroupref 0 :resorigtbl 0 :resorigcol 0 :resjunk false} {TARGETENTRY :expr {VAR :varno 1 :varattno 1} :resno 3 :resname id :ressortgroupref 0 :resorigtbl 16400 :resorigcol 1 :resjunk false} {TARGETENTRY :expr {VAR :varno 1 :varattno 2} :resno 4 :resname <> :ressortgroupref 1 :resorigtbl 16400 :resorigcol 2 :resjunk true}) :override 0 :onConflict <>})`;

describe('targetListOrigins', () => {
  it("reads the top query's target list only, skipping junk entries", () => {
    expect(targetListOrigins(VIEW)).toEqual([
      { column: 1, table: '16400', tableColumn: 3 },
      { column: 2, table: '0', tableColumn: 0 },
      { column: 3, table: '16400', tableColumn: 1 },
    ]);
  });

  it('returns nothing for an empty target list or a text that is no query', () => {
    expect(targetListOrigins('({QUERY :commandType 1 :targetList <> :override 0})')).toEqual([]);
    expect(targetListOrigins('')).toEqual([]);
    expect(targetListOrigins('({QUERY :targetList ({TARGETENTRY :resno 1 :resorigtbl 5')).toEqual([]);
  });
});
