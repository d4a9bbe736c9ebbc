import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../../src/init/render.js';

const rows = [
  ['Mesos master', '127.0.0.1:5050', 'from --master'],
  ['Alluxio tarball', 'http://127.0.0.1/alluxio.tar.gz', ''],
  ['Role', '*', 'default'],
] as const;

describe('renderSummary', () => {
  it('aligns labels and values, keeping the spaces before an empty source (plain)', () => {
    expect(renderSummary(rows, { color: false })).toMatchInlineSnapshot(`
      "
      Summary
        Mesos master     127.0.0.1:5050                   from --master
        Alluxio tarball  http://127.0.0.1/alluxio.tar.gz  
        Role             *                                default

      "
    `);
  });

  it('paints the padded value bold and the source dim (color)', () => {
    expect(JSON.stringify(renderSummary(rows, { color: true }))).toMatchInlineSnapshot(
      `""\\n\\u001b[1mSummary\\u001b[22m\\n  Mesos master     \\u001b[1m127.0.0.1:5050                 \\u001b[22m  \\u001b[2mfrom --master\\u001b[22m\\n  Alluxio tarball  \\u001b[1mhttp://127.0.0.1/alluxio.tar.gz\\u001b[22m  \\n  Role             \\u001b[1m*                              \\u001b[22m  \\u001b[2mdefault\\u001b[22m\\n\\n""`,
    );
  });
});
