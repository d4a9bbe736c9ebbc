import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/config/diff.js';

/** `line 1\n` ... `line n\n`. */
function numbered(count: number): string {
  return Array.from({ length: count }, (_, i) => `line ${i + 1}\n`).join('');
}

// Expected outputs below are what GNU diffutils 3.8 prints for `diff -u --label a --label b`.
describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('prints headers, a hunk header and the change with context', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', { fromFile: 'a', toFile: 'b' })).toBe('--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  });

  it('keeps three lines of context inside a long file', () => {
    const before = numbered(20);
    const after = before.replace('line 10\n', 'line ten\n');
    expect(unifiedDiff(before, after, { fromFile: 'old', toFile: 'new' })).toBe(
      '--- old\n+++ new\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12\n line 13\n',
    );
  });

  it('merges changes whose context touches and splits those that do not', () => {
    const before = numbered(20);
    const merged = unifiedDiff(before, before.replace('line 5\n', 'five\n').replace('line 11\n', 'eleven\n'));
    expect(merged.match(/^@@/gm)).toHaveLength(1);
    expect(merged).toContain('@@ -2,13 +2,13 @@\n');
    // Six unchanged lines between two changes still share one hunk; seven split them.
    const six = unifiedDiff(before, before.replace('line 5\n', 'five\n').replace('line 12\n', 'twelve\n'));
    expect(six.match(/^@@/gm)).toHaveLength(1);
    const seven = unifiedDiff(before, before.replace('line 5\n', 'five\n').replace('line 13\n', 'thirteen\n'));
    expect(seven).toBe(
      '--- a\n+++ b\n' +
        '@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+five\n line 6\n line 7\n line 8\n' +
        '@@ -10,7 +10,7 @@\n line 10\n line 11\n line 12\n-line 13\n+thirteen\n line 14\n line 15\n line 16\n',
    );
  });

  it('numbers insertions and deletions at the edges like diff', () => {
    expect(unifiedDiff('', 'a\nb\n')).toBe('--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\nb\n', '')).toBe('--- a\n+++ b\n@@ -1,2 +0,0 @@\n-a\n-b\n');
    expect(unifiedDiff('x\n', 'y\n')).toBe('--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n');
    expect(unifiedDiff(numbered(10), `start\n${numbered(10)}`)).toBe('--- a\n+++ b\n@@ -1,3 +1,4 @@\n+start\n line 1\n line 2\n line 3\n');
    expect(unifiedDiff(numbered(10), `${numbered(10)}end\n`)).toBe('--- a\n+++ b\n@@ -8,3 +8,4 @@\n line 8\n line 9\n line 10\n+end\n');
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n')).toBe('--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
    expect(unifiedDiff('a\nb\n', 'a\nc')).toBe('--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n');
  });

  it('shows a properties edit the way a user reviews it', () => {
    const before = 'k=v\n# c\n\nz=1\n';
    const after = '# header\nk=v\n# c\n\nz=2\ny=3\n';
    expect(unifiedDiff(before, after, { fromFile: 'conf/alluxio-site.properties', toFile: 'conf/alluxio-site.properties (new)' })).toBe(
      '--- conf/alluxio-site.properties\n+++ conf/alluxio-site.properties (new)\n' +
        '@@ -1,4 +1,6 @@\n+# header\n k=v\n # c\n \n-z=1\n+z=2\n+y=3\n',
    );
  });

  it('splits CRLF and CR lines and prints them without their terminators', () => {
    expect(unifiedDiff('a=1\r\nb=2\r\n', 'a=1\r\nb=3\r\n')).toBe('--- a\n+++ b\n@@ -1,2 +1,2 @@\n a=1\n-b=2\n+b=3\n');
    expect(unifiedDiff('a=1\rb=2\r', 'a=1\rb=3\r')).toBe('--- a\n+++ b\n@@ -1,2 +1,2 @@\n a=1\n-b=2\n+b=3\n');
  });

  it('produces a minimal script for scattered changes', () => {
    const before = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n';
    const after = before.replace('l7\n', 'L7\n').replace('l21\n', '').replace('l25\n', 'l25\nextra\n');
    const diff = unifiedDiff(before, after);
    expect(diff.split('\n').filter((line) => /^[-+][^-+]/.test(line))).toEqual(['-l7', '+L7', '-l21', '+extra']);
  });

  it('honours a custom amount of context', () => {
    expect(unifiedDiff(numbered(5), numbered(5).replace('line 3\n', 'three\n'), { context: 0 })).toBe(
      '--- a\n+++ b\n@@ -3 +3 @@\n-line 3\n+three\n',
    );
  });
});
