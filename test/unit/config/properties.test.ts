import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/shared/errors.js';
import { PropertiesDocument, escapeKey, escapeValue, parse } from '../../../src/config/properties.js';
import { FIXTURES, MALFORMED } from './property-fixtures.js';

function asMap(doc: PropertiesDocument): Array<[string, string]> {
  return doc.keys().map((key) => [key, doc.get(key) as string]);
}

/** Lines of a text with their terminators, to compare files line by line. */
function linesOf(text: string): string[] {
  return text.match(/[^\r\n]*(\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

describe('parse: Java semantics', () => {
  for (const fixture of FIXTURES) {
    it(fixture.name, () => {
      const doc = parse(fixture.text);
      expect(doc.toString()).toBe(fixture.text);
      expect(asMap(doc)).toEqual(fixture.entries);
      for (const [key, value] of fixture.entries) {
        expect(doc.has(key)).toBe(true);
        expect(doc.get(key)).toBe(value);
      }
    });
  }

  it('reports a malformed \\u escape as a ConfigError naming file and line', () => {
    for (const bad of MALFORMED) {
      let caught: unknown;
      try {
        parse(bad.text, { fileName: 'conf/alluxio-site.properties' });
      } catch (error) {
        caught = error;
      }
      expect(caught, bad.name).toBeInstanceOf(ConfigError);
      const error = caught as ConfigError;
      expect(error.line, bad.name).toBe(bad.line);
      expect(error.file).toBe('conf/alluxio-site.properties');
      expect(error.message).toContain(`conf/alluxio-site.properties line ${bad.line}`);
      expect(error.message).toContain('Malformed \\uxxxx encoding');
      expect(error.hint).toBeTruthy();
    }
  });

  it('gives the 1-based line where each entry starts, duplicates included', () => {
    const text = '# header\n\na=1\nlong=x\\\n  y\\\n  z\n  b = 2\r\nc:3\ra=4';
    expect(
      parse(text)
        .entries()
        .map(({ key, value, line }) => [key, value, line]),
    ).toEqual([
      ['a', '1', 3],
      ['long', 'xyz', 4],
      ['b', '2', 7],
      ['c', '3', 8],
      ['a', '4', 9],
    ]);
    expect(parse(text).entry('a')?.line).toBe(9);
  });

  it('keeps a byte-order mark for output but not in the first key', () => {
    const text = '\uFEFFa=1\r\nb=2\r\n';
    const doc = parse(text);
    expect(doc.hasBom).toBe(true);
    expect(doc.toString()).toBe(text);
    expect(doc.keys()).toEqual(['a', 'b']);
    expect(doc.entries()[0]?.line).toBe(1);
    expect(parse('\uFEFF').toString()).toBe('\uFEFF');
  });

  it('round-trips odd inputs byte for byte', () => {
    const texts = [
      '\r\n\r\n',
      '\r',
      '\n\r',
      'a\\',
      '\\',
      '\\\n',
      '   ',
      'key',
      'a=b\\\\\\\\\\',
      '\t# tab comment\r\n!x\n\f',
      '=value without key\n:also\n',
      'a=1\n\n\n',
      '\uFEFF# bom then comment\n\n',
      'x=\\uFFFF\\uD83D\\uDE00\n',
    ];
    for (const text of texts) expect(parse(text).toString(), JSON.stringify(text)).toBe(text);
  });
});

describe('PropertiesDocument edits', () => {
  it('lookups after every kind of edit see the document as it now is', () => {
    const doc = parse('a=1\r\nb=2\r\na=3\r\n');
    expect(doc.entry('a')).toMatchObject({ value: '3', line: 3 });
    expect(doc.lineEnding).toBe('\r\n');
    doc.set('a', '4');
    expect(doc.get('a')).toBe('4');
    expect(doc.entries().map((entry) => entry.value)).toEqual(['1', '2', '4']);
    doc.appendComment('two\nlines');
    doc.set('c', '5');
    expect(doc.entry('c')).toMatchObject({ value: '5', line: 6 });
    expect(doc.rewriteValues((key, value) => (key === 'a' ? 'x' : value))).toBe(2);
    expect(doc.entries().map((entry) => `${entry.key}=${entry.value}@${entry.line}`)).toEqual(['a=x@1', 'b=2@2', 'a=x@3', 'c=5@6']);
    expect(doc.delete('a')).toBe(true);
    expect(doc.has('a')).toBe(false);
    expect(doc.entry('c')?.line).toBe(4);
    doc.appendBlankLine();
    doc.set('d', '6');
    expect(doc.entry('d')?.line).toBe(6);
    expect(doc.toString()).toBe('b=2\r\n# two\r\n# lines\r\nc=5\r\n\r\nd=6\r\n');
    expect(doc.clone().entry('d')?.line).toBe(6);
  });

  it('unescapes long values with escapes anywhere, as Java does', () => {
    const long = 'v'.repeat(100_000);
    const doc = parse(`k=${long}\\t${long}\\u0041\\\\${long}\\\n  end\n`);
    expect(doc.get('k')).toBe(`${long}\t${long}A\\${long}end`);
  });

  it('edits a value in place, keeping indentation, separator and line ending', () => {
    const text = '# top\r\n  alluxio.master.port = 19998\r\nother:1\r\n';
    const doc = parse(text);
    doc.set('alluxio.master.port', '31398');
    expect(doc.toString()).toBe('# top\r\n  alluxio.master.port = 31398\r\nother:1\r\n');
    doc.set('other', '2');
    expect(doc.toString()).toBe('# top\r\n  alluxio.master.port = 31398\r\nother:2\r\n');
  });

  it('keeps a blank-only separator and the key as written', () => {
    const doc = parse('my\\ key value\n');
    doc.set('my key', 'new value');
    expect(doc.toString()).toBe('my\\ key new value\n');
    expect(parse(doc.toString()).get('my key')).toBe('new value');
  });

  it('replaces continuation lines with one line and leaves the rest untouched', () => {
    const text = 'a=1\nlong = first\\\n    second\\\n    third\r\nz=9';
    const doc = parse(text);
    doc.set('long', 'short');
    expect(doc.toString()).toBe('a=1\nlong = short\r\nz=9');
  });

  it('writes a key that had no separator with =', () => {
    const doc = parse('flag\nnext=1\n');
    doc.set('flag', 'on');
    expect(doc.toString()).toBe('flag=on\nnext=1\n');
  });

  it('does not touch the file when the value is unchanged', () => {
    const text = 'a = \\u0031\nb=x\\\n  y\n';
    const doc = parse(text);
    doc.set('a', '1');
    doc.set('b', 'xy');
    expect(doc.toString()).toBe(text);
  });

  it('edits the last of duplicate keys', () => {
    const doc = parse('a=1\nb=2\na=3\n');
    doc.set('a', '4');
    expect(doc.toString()).toBe('a=1\nb=2\na=4\n');
    expect(doc.get('a')).toBe('4');
  });

  it('appends new keys with the dominant line ending', () => {
    const crlf = parse('# c\r\na=1\r\nb=2\nc=3\r\n');
    crlf.set('d', '4');
    expect(crlf.toString()).toBe('# c\r\na=1\r\nb=2\nc=3\r\nd=4\r\n');

    const cr = parse('a=1\rb=2\r');
    cr.set('c', '3');
    expect(cr.toString()).toBe('a=1\rb=2\rc=3\r');
  });

  it('ends an unterminated last line before appending', () => {
    const doc = parse('# c\r\na=1');
    doc.set('b', '2');
    expect(doc.toString()).toBe('# c\r\na=1\r\nb=2\r\n');
  });

  it('rewrites a dangling backslash before appending, so the new line is not swallowed', () => {
    for (const text of ['a=b\\', 'a=b\\\n']) {
      const doc = parse(text);
      doc.set('c', 'd');
      const reparsed = parse(doc.toString());
      expect(asMap(reparsed), JSON.stringify(text)).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
    }
  });

  it('deletes every occurrence and nothing else', () => {
    const doc = parse('# keep\na=1\nb=2\n  a = 3 \\\n 4\nc=5');
    expect(doc.delete('a')).toBe(true);
    expect(doc.toString()).toBe('# keep\nb=2\nc=5');
    expect(doc.delete('a')).toBe(false);
    expect(doc.has('a')).toBe(false);
  });

  it('leaves every other line byte-identical after a series of edits', () => {
    for (const fixture of FIXTURES) {
      const key = fixture.entries[0]?.[0];
      if (key === undefined) continue;
      const doc = parse(fixture.text);
      const editedLine = doc.entry(key)?.line as number;
      const before = linesOf(fixture.text);
      const editedLineCount = linesOf(doc.entries().find((e) => e.line === editedLine)?.raw ?? '').length;
      doc.set(key, 'changed value');
      const after = linesOf(doc.toString());
      expect(after.slice(0, editedLine - 1), fixture.name).toEqual(before.slice(0, editedLine - 1));
      expect(after.slice(editedLine), fixture.name).toEqual(before.slice(editedLine - 1 + editedLineCount));
      expect(parse(doc.toString()).get(key)).toBe('changed value');
    }
  });

  it('builds a new document with comments', () => {
    const doc = PropertiesDocument.empty();
    doc.appendComment('Alluxio on Mesos\n\nwritten by alluxio-mesos init');
    doc.appendBlankLine();
    doc.set('alluxio.master.hostname', 'm1');
    expect(doc.toString()).toBe('# Alluxio on Mesos\n#\n# written by alluxio-mesos init\n\nalluxio.master.hostname=m1\n');
    const windows = PropertiesDocument.empty({ eol: '\r\n' });
    windows.set('a', '1');
    windows.appendComment('end');
    expect(windows.toString()).toBe('a=1\r\n# end\r\n');
  });

  it('clones independently', () => {
    const doc = parse('a=1\n');
    const copy = doc.clone();
    copy.set('a', '2');
    expect(doc.get('a')).toBe('1');
    expect(copy.get('a')).toBe('2');
  });

  it('rewriteValues rewrites shadowed duplicates too', () => {
    const doc = parse('s=one\nt=x\ns = two\n');
    expect(doc.rewriteValues((key, value) => (key === 's' ? '***' : value))).toBe(2);
    expect(doc.toString()).toBe('s=***\nt=x\ns = ***\n');
  });
});

describe('escaping', () => {
  const tricky = [
    '',
    ' leading space',
    '  two leading',
    '\tleading tab',
    'trailing space ',
    'back\\slash',
    'ends with backslash\\',
    '\\\\',
    'a=b:c#d!e',
    '=starts with equals',
    ':starts with colon',
    '#starts with hash',
    '!starts with bang',
    'multi\nline\r\nvalue',
    'form\ffeed',
    'control\u0001\u007f',
    'café 中文 😀',
    'lone \uD800 surrogate',
    'http://host:8080/path?q=1',
  ];

  it('writes values that read back unchanged, in both non-ASCII styles', () => {
    for (const style of ['escape', 'raw'] as const) {
      for (const value of tricky) {
        const doc = PropertiesDocument.empty();
        doc.set('k', value, { nonAscii: style });
        const text = doc.toString();
        expect(parse(text).get('k'), `${style} ${JSON.stringify(value)}`).toBe(value);
        expect(text.split('\n').length, 'one line per entry').toBe(2);
      }
    }
  });

  it('writes keys that read back unchanged', () => {
    for (const key of tricky) {
      const doc = PropertiesDocument.empty();
      doc.set(key, 'v');
      expect(parse(doc.toString()).get(key), JSON.stringify(key)).toBe('v');
    }
  });

  it('escapes non-ASCII by default (Alluxio decodes ISO-8859-1) and keeps UTF-8 on request', () => {
    expect(escapeValue('café 😀')).toBe('caf\\u00E9 \\uD83D\\uDE00');
    expect(escapeValue('café 😀', 'raw')).toBe('café 😀');
    expect(escapeValue('x\uDC00', 'raw')).toBe('x\\uDC00');
  });

  it('escapes only what the reader would change in values', () => {
    expect(escapeValue('hdfs://nn:9000/a=b#c')).toBe('hdfs://nn:9000/a=b#c');
    expect(escapeValue(' x')).toBe('\\ x');
    expect(escapeValue('=x')).toBe('\\=x');
    expect(escapeValue('a\\b')).toBe('a\\\\b');
    expect(escapeValue('a\nb')).toBe('a\\nb');
  });

  it('escapes separators, blanks and comment characters in keys', () => {
    expect(escapeKey('a b=c:d#e!f')).toBe('a\\ b\\=c\\:d\\#e\\!f');
    expect(escapeKey('#x')).toBe('\\#x');
  });

  it('puts a leading = after a blank-only separator safely', () => {
    const doc = parse('k v\n');
    doc.set('k', '=x');
    expect(parse(doc.toString()).get('k')).toBe('=x');
  });
});
