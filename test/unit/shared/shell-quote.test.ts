import { describe, expect, it } from 'vitest';
import { heredocDelimiter, heredocWrite, shellQuote } from '../../../src/shared/shell-quote.js';

/** What a POSIX shell does with one single-quoted word: the inverse of shellQuote. */
function unquoteSingleQuotedWord(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    if (word[i] === "'") {
      const end = word.indexOf("'", i + 1);
      expect(end).toBeGreaterThan(i);
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (word[i] === '\\') {
      out += word[i + 1];
      i += 2;
    } else {
      expect(word[i]).toMatch(/[A-Za-z0-9_@%+=:,./-]/);
      out += word[i];
      i += 1;
    }
  }
  return out;
}

describe('shellQuote', () => {
  it.each([
    ['plain', 'alluxio-1.8.2'],
    ['empty', ''],
    ['blank', 'a b'],
    ['single quote', "it's"],
    ['only quotes', "'''"],
    ['dollar and backticks', '$HOME `id` $(id)'],
    ['newlines', 'a\nb\n'],
    ['glob', '*.tar.gz'],
  ])('round-trips %s', (_name, value) => {
    const word = shellQuote(value);
    expect(unquoteSingleQuotedWord(word)).toBe(value);
  });

  it('leaves safe words bare and quotes the rest', () => {
    expect(shellQuote('/opt/alluxio')).toBe('/opt/alluxio');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('')).toBe("''");
  });

  it('refuses NUL, which no shell word can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(TypeError);
  });
});

describe('heredocDelimiter', () => {
  it('uses the base when no line equals it', () => {
    expect(heredocDelimiter('a=b\nEOF_X=1\n', 'EOF_X')).toBe('EOF_X');
  });

  it('picks another delimiter when a line (even with blanks around it) equals the base', () => {
    const content = 'a=b\nEOF_X\n  EOF_X_1 \nc=d\n';
    const delimiter = heredocDelimiter(content, 'EOF_X');
    expect(delimiter).toBe('EOF_X_2');
    expect(content.split('\n').map((l) => l.trim())).not.toContain(delimiter);
  });
});

describe('heredocWrite', () => {
  it('writes a quoted here-document whose body is the content plus a final newline', () => {
    const text = heredocWrite('conf/x.properties', 'k=$v `x`', 'DELIM');
    expect(text).toBe("cat > conf/x.properties <<'DELIM'\nk=$v `x`\nDELIM");
  });

  it('does not add a second newline', () => {
    expect(heredocWrite('f', 'a\n', 'D')).toBe("cat > f <<'D'\na\nD");
  });
});
