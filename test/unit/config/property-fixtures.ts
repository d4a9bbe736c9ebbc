/**
 * Tricky `.properties` texts and what `java.util.Properties.load(Reader)` makes of them (checked
 * against OpenJDK 17). `entries` is the final map in first-appearance order of the keys.
 */
export interface PropertyFixture {
  readonly name: string;
  readonly text: string;
  readonly entries: ReadonlyArray<readonly [string, string]>;
}

export const FIXTURES: readonly PropertyFixture[] = [
  {
    name: 'separators: = : and blanks',
    text: 'a=1\nb = 2\nc:3\nd 4\n  e\t=\t5\nf\t6\n',
    entries: [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
      ['e', '5'],
      ['f', '6'],
    ],
  },
  {
    name: 'comments with # and !, indented, and commented-out keys',
    text: '# comment\n! bang comment\n  # indented\n\t!indented bang\nkey=value\n#key2=hidden\n',
    entries: [['key', 'value']],
  },
  {
    name: 'continuations with odd and even trailing backslashes',
    text: 'a=one\\\n    two\\\n\tthree\nb=even\\\\\nc=three\\\\\\\n  more\nd=x\n',
    entries: [
      ['a', 'onetwothree'],
      ['b', 'even\\'],
      ['c', 'three\\more'],
      ['d', 'x'],
    ],
  },
  {
    name: 'a comment never continues',
    text: '# comment \\\nkey=v\n! other \\\n',
    entries: [['key', 'v']],
  },
  {
    name: 'escapes',
    text: 'tab=a\\tb\nnl=a\\nb\ncr=a\\rb\nff=a\\fb\nbs=a\\\\b\nother=\\q\\z\\=\\:\nuni=\\u00e9\\u4E2D\\u0041\n',
    entries: [
      ['tab', 'a\tb'],
      ['nl', 'a\nb'],
      ['cr', 'a\rb'],
      ['ff', 'a\fb'],
      ['bs', 'a\\b'],
      ['other', 'qz=:'],
      ['uni', 'é中A'],
    ],
  },
  {
    name: 'raw UTF-8',
    text: 'name=café 中文 😀\nclé=v\n',
    entries: [
      ['name', 'café 中文 😀'],
      ['clé', 'v'],
    ],
  },
  {
    name: 'CRLF line endings',
    text: 'a=1\r\n# c\r\n\r\nb=2\r\n',
    entries: [
      ['a', '1'],
      ['b', '2'],
    ],
  },
  {
    name: 'CR-only line endings',
    text: 'a=1\r# c\r\rb=2\r',
    entries: [
      ['a', '1'],
      ['b', '2'],
    ],
  },
  {
    name: 'mixed line endings, no final newline',
    text: 'a=1\r\nb=2\nc=3\rd=4',
    entries: [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
    ],
  },
  {
    name: 'no trailing newline',
    text: 'a=1\nb=2',
    entries: [
      ['a', '1'],
      ['b', '2'],
    ],
  },
  {
    name: 'empty values',
    text: 'a=\nb\nc =\nd:\ne   \nf=  \n',
    entries: [
      ['a', ''],
      ['b', ''],
      ['c', ''],
      ['d', ''],
      ['e', ''],
      ['f', ''],
    ],
  },
  {
    name: 'keys with escaped separators, blanks and comment characters',
    text: 'key\\=with\\:seps=value\nkey\\ with\\ spaces = v2\n\\#notcomment=v3\n\\!bang=v4\ntab\\\tkey=v5\n',
    entries: [
      ['key=with:seps', 'value'],
      ['key with spaces', 'v2'],
      ['#notcomment', 'v3'],
      ['!bang', 'v4'],
      ['tab\tkey', 'v5'],
    ],
  },
  {
    name: 'one separator only; the rest belongs to the value',
    text: 'a  :=b\nc = = d\ne==f\ng : : h\ni j=k\n',
    entries: [
      ['a', '=b'],
      ['c', '= d'],
      ['e', '=f'],
      ['g', ': h'],
      ['i', 'j=k'],
    ],
  },
  {
    name: 'continuation inside the key and before the value',
    text: 'ke\\\n  y=v\nsplit = \\\n    value\n',
    entries: [
      ['key', 'v'],
      ['split', 'value'],
    ],
  },
  {
    name: 'a blank continuation line ends the entry',
    text: 'a=b\\\n   \nc=d\n',
    entries: [
      ['a', 'b'],
      ['c', 'd'],
    ],
  },
  {
    name: 'dangling backslash at the end of the input',
    text: 'x=1\na=b\\',
    entries: [
      ['x', '1'],
      ['a', 'b'],
    ],
  },
  {
    name: 'dangling backslash before the final newline',
    text: 'a=b\\\n',
    entries: [['a', 'b']],
  },
  {
    name: 'form feeds and blank lines',
    text: '\f\t \n  \n\fkey\f=\fv\n',
    entries: [['key', 'v']],
  },
  {
    name: 'trailing blanks stay in the value',
    text: 'a=b  \nc=d\t\n',
    entries: [
      ['a', 'b  '],
      ['c', 'd\t'],
    ],
  },
  {
    name: 'duplicate keys: the last one wins',
    text: 'a=1\nb=2\na=3\n',
    entries: [
      ['a', '3'],
      ['b', '2'],
    ],
  },
  {
    name: 'a continuation line that looks like a comment is not one',
    text: 'a=x\\\n#y\nb=\\\n  !z\n',
    entries: [
      ['a', 'x#y'],
      ['b', '!z'],
    ],
  },
  {
    name: 'unicode escape in a key',
    text: '\\u0041key=v\n',
    entries: [['Akey', 'v']],
  },
  {
    name: 'escaped leading blank in a value',
    text: 'a=\\  x\nb=\\tx\n',
    entries: [
      ['a', '  x'],
      ['b', '\tx'],
    ],
  },
  {
    name: 'continuations with CRLF and CR',
    text: 'a=1\\\r\n  2\r\nb=3\\\r  4\rc=5',
    entries: [
      ['a', '12'],
      ['b', '34'],
      ['c', '5'],
    ],
  },
  {
    name: 'a lone backslash line adds nothing (Java 9+), even before a blank line or a comment',
    text: '\\\n\n#c\nk=v\n \\\n#not continued\\\nk2=v2\n\\\n  k3=v3\n',
    entries: [
      ['k', 'v'],
      ['k2', 'v2'],
      ['k3', 'v3'],
    ],
  },
  {
    name: 'a lone backslash at the very end makes an empty key',
    text: 'x=1\n\\\n',
    entries: [
      ['x', '1'],
      ['', ''],
    ],
  },
  {
    name: 'a lone backslash followed by blanks only adds nothing',
    text: 'x=1\n\\\n   \n',
    entries: [['x', '1']],
  },
  {
    name: 'empty text',
    text: '',
    entries: [],
  },
  {
    name: 'a lone newline',
    text: '\n',
    entries: [],
  },
  {
    name: 'a comment without newline',
    text: '# c',
    entries: [],
  },
  {
    name: 'realistic alluxio-site.properties',
    text: [
      '# Alluxio on Mesos',
      'alluxio.master.hostname=mesos-agent-1.example.com',
      'alluxio.underfs.address=hdfs://namenode:9000/alluxio',
      '',
      '! ports',
      'alluxio.master.port = 31398',
      'alluxio.master.web.port : 31399',
      'alluxio.integration.mesos.alluxio.jar.url=http\\://downloads.example.com/alluxio-1.8.1-bin.tar.gz',
      'alluxio.integration.mesos.role=analytics/alluxio',
      '',
    ].join('\n'),
    entries: [
      ['alluxio.master.hostname', 'mesos-agent-1.example.com'],
      ['alluxio.underfs.address', 'hdfs://namenode:9000/alluxio'],
      ['alluxio.master.port', '31398'],
      ['alluxio.master.web.port', '31399'],
      ['alluxio.integration.mesos.alluxio.jar.url', 'http://downloads.example.com/alluxio-1.8.1-bin.tar.gz'],
      ['alluxio.integration.mesos.role', 'analytics/alluxio'],
    ],
  },
];

/** Texts Java refuses with "Malformed \uxxxx encoding", and the line our error names. */
export const MALFORMED: ReadonlyArray<{ readonly name: string; readonly text: string; readonly line: number }> = [
  { name: 'too few hex digits at the end', text: 'a=\\u12\n', line: 1 },
  { name: 'not hex', text: 'x=1\na=\\uXYZW\n', line: 2 },
  { name: 'in a key', text: '\\u00G0=x\n', line: 1 },
  { name: 'on a continuation line', text: 'a=ok\\\n  \\u12zz\n', line: 2 },
];
