/**
 * Checks an `alluxio-site.properties` document: invalid values and port clashes are errors
 * (ConfigError naming key, file, line and the fix); likely mistakes that Alluxio would silently
 * ignore are warnings. Keys outside `alluxio.*` are not ours and are left alone.
 */
import { ConfigError } from '../shared/errors.js';
import { CATALOG, RENAMED_KEYS, findSpec, isSecretKey, type PropertySpec, type PropertyType } from './catalog.js';
import { credentialFix, isSecretProperty, isSecretPropertyKey } from './secret-keys.js';
import { maskUriCredentials } from '../shared/uri-credentials.js';
import { oneLineQuote } from '../shared/excerpt.js';
import { printable } from '../shared/printable.js';
import { hasUnresolvedReference, interpolate, javaTrim, rawValue, setProperty } from './lookup.js';
import type { PropertiesDocument, PropertyEntry } from './properties.js';
import { resolvePorts, usedPortNames, type PortName, type ResolvedPort } from './site-config.js';
import { isOtherAlluxioKey, suggestKey } from './suggest.js';
import { checkHighAvailability } from './high-availability.js';

export interface SiteValidation {
  readonly errors: ConfigError[];
  readonly warnings: string[];
}

export function validateSiteProperties(doc: PropertiesDocument, fileName: string): SiteValidation {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  const entries = doc.entries();

  checkByteOrderMark(doc, entries, warnings);
  checkDuplicates(entries, warnings);
  checkEncoding(entries, warnings);
  for (const entry of CATALOG) {
    checkValue(doc, entry, fileName, errors, warnings);
    checkSpellingsAgree(doc, entry, fileName, errors);
  }
  checkUnknownKeys(doc, warnings);
  checkPortsDistinct(doc, fileName, errors);
  const highAvailability = checkHighAvailability(doc, fileName);
  errors.push(...highAvailability.errors);
  warnings.push(...highAvailability.warnings);
  checkJdk(doc, warnings);
  checkCredentials(entries, warnings);
  return { errors, warnings };
}

function where(fileName: string, line: number | undefined): string {
  return line === undefined ? 'default' : `${fileName} line ${line}`;
}

/** Longer values are shortened in messages: an error is one line, whatever the file holds. */
const MAX_SHOWN_VALUE = 120;

/** One line however the value looks: control characters escaped (a value can hold `\n` escapes), long values cut. */
function clipped(value: string): string {
  return oneLineQuote(value, MAX_SHOWN_VALUE);
}

function shown(entry: PropertySpec | undefined, value: string): string {
  // Masked before clipped: a cut must never leave the start of a password.
  return entry?.secret === true ? '(hidden)' : clipped(maskUriCredentials(value));
}

/**
 * At most this many warnings of one kind (duplicates, non-ASCII, unknown keys), then one line
 * counting the rest: a file with thousands of them is the wrong file, and the first ones say so.
 */
const MAX_WARNINGS_OF_A_KIND = 20;

function pushSome(warnings: string[], found: readonly string[], kind: string): void {
  warnings.push(...found.slice(0, MAX_WARNINGS_OF_A_KIND));
  if (found.length > MAX_WARNINGS_OF_A_KIND) warnings.push(`... and ${found.length - MAX_WARNINGS_OF_A_KIND} more ${kind}`);
}

const NUMERIC_TYPES = new Set<PropertyType>(['port', 'bytes', 'bytes-list', 'cpu', 'int']);

function checkValue(doc: PropertiesDocument, entry: PropertySpec, fileName: string, errors: ConfigError[], warnings: string[]): void {
  const set = setProperty(doc, entry.key);
  if (set === undefined) return;
  if (entry.legacy !== undefined) {
    warnings.push(`"${set.key}" (line ${set.line}) is ${entry.legacy}`);
  }
  const value = interpolate(set.value, (name) => rawValue(doc, name));
  if (hasUnresolvedReference(value)) {
    // Alluxio may know the property referred to, but alluxio-mesos needs numbers itself.
    if (!NUMERIC_TYPES.has(entry.type)) return;
    errors.push(
      new ConfigError(
        `${set.key}=${shown(entry, set.value)} in ${where(fileName, set.line)}: refers to a property this file does not set`,
        { key: set.key, file: fileName, line: set.line },
        { hint: 'set the property referred to in this file, or write the value directly' },
      ),
    );
    return;
  }
  const problem = entry.validate(value);
  if (problem === undefined) return;
  const resolvedNote = value === set.value ? '' : ` (resolves to "${shown(entry, value)}")`;
  // The validator quotes the value as it is: quoted as `shown` quotes it (masked, one line, cut), and nothing else unprintable.
  const quoted = shown(entry, value);
  const said = printable(value === '' || quoted === value ? problem.problem : problem.problem.split(value).join(quoted));
  errors.push(
    new ConfigError(
      `${set.key}=${shown(entry, set.value)}${resolvedNote} in ${where(fileName, set.line)}: ${said}`,
      { key: set.key, file: fileName, line: set.line },
      { hint: problem.fix },
    ),
  );
}

/** Two names of one property (e.g. alluxio.master.port and alluxio.master.rpc.port) disagreeing. */
function checkSpellingsAgree(doc: PropertiesDocument, entry: PropertySpec, fileName: string, errors: ConfigError[]): void {
  if (entry.aliases.length === 0) return;
  const present = [entry.key, ...entry.aliases]
    .map((name) => {
      const found = doc.entry(name);
      return found === undefined ? undefined : { key: name, value: javaTrim(found.value), line: found.line };
    })
    .filter((found): found is { key: string; value: string; line: number } => found !== undefined)
    .sort((a, b) => a.line - b.line);
  const first = present[0];
  const last = present[present.length - 1];
  if (first === undefined || last === undefined || present.every((found) => found.value === first.value)) return;
  errors.push(
    new ConfigError(
      `${first.key}=${shown(entry, first.value)} (line ${first.line}) and ${last.key}=${shown(entry, last.value)} ` +
        `(line ${last.line}) in ${fileName} name the same property with different values`,
      { key: last.key, file: fileName, line: last.line },
      { hint: `keep only one of ${present.map((found) => found.key).join(' and ')}` },
    ),
  );
}

const PORT_ROLE: Readonly<Record<PortName, string>> = {
  'master.rpc': 'master RPC',
  'master.web': 'master web UI',
  'master.journal': 'master embedded journal',
  'worker.rpc': 'worker RPC',
  'worker.data': 'worker data',
  'worker.web': 'worker web UI',
};

/**
 * Every port a master and a worker listen on must differ: the ports of one process obviously, and
 * the master's from the worker's because both can land on the same agent.
 */
function checkPortsDistinct(doc: PropertiesDocument, fileName: string, errors: ConfigError[]): void {
  const ports = resolvePorts(doc);
  const names = usedPortNames(doc);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = ports[names[i] as PortName];
      const b = ports[names[j] as PortName];
      if (a.port === undefined || a.port !== b.port) continue;
      // Blame the line written last; a default cannot be blamed.
      const [blamed, other] = (b.line ?? 0) >= (a.line ?? 0) ? [b, a] : [a, b];
      const blamedName = blamed === b ? (names[j] as PortName) : (names[i] as PortName);
      const otherName = blamed === b ? (names[i] as PortName) : (names[j] as PortName);
      errors.push(
        new ConfigError(
          `${describePort(blamed, fileName)} (${PORT_ROLE[blamedName]}) uses the same port as ` +
            `${describePort(other, fileName)} (${PORT_ROLE[otherName]})`,
          { key: blamed.key, file: fileName, ...(blamed.line === undefined ? {} : { line: blamed.line }) },
          { hint: 'give every Alluxio port its own number: a master and a worker may run on the same agent' },
        ),
      );
    }
  }
}

function describePort(port: ResolvedPort, fileName: string): string {
  return `${port.key}=${clipped(port.value)} (${where(fileName, port.line)})`;
}

function checkUnknownKeys(doc: PropertiesDocument, allWarnings: string[]): void {
  const warnings: string[] = [];
  for (const key of doc.keys()) {
    if (!key.toLowerCase().startsWith('alluxio.') || findSpec(key) !== undefined) continue;
    const line = doc.entry(key)?.line;
    const renamed = RENAMED_KEYS[key];
    if (renamed !== undefined) {
      warnings.push(`"${key}" (line ${line}) is no longer read: it was replaced by "${renamed.replacement}" in ${renamed.since}`);
      continue;
    }
    const suggestion = suggestKey(key);
    const isWrongCase = suggestion !== undefined && suggestion.toLowerCase() === key.toLowerCase();
    if (!isWrongCase && isOtherAlluxioKey(key)) continue;
    if (suggestion !== undefined) warnings.push(`unknown key "${clipped(key)}" (line ${line}); did you mean "${suggestion}"?`);
  }
  pushSome(allWarnings, warnings, 'unknown keys');
}

function checkDuplicates(entries: readonly PropertyEntry[], allWarnings: string[]): void {
  const lines = new Map<string, number[]>();
  for (const entry of entries) {
    const at = lines.get(entry.key);
    if (at === undefined) lines.set(entry.key, [entry.line]);
    else at.push(entry.line);
  }
  const warnings: string[] = [];
  for (const [key, at] of lines) {
    if (at.length < 2) continue;
    const last = at[at.length - 1];
    const listed = at.length <= 10 ? at.join(', ') : `${at.slice(0, 5).join(', ')}, ..., ${last}`;
    warnings.push(`"${clipped(key)}" is set ${at.length} times (lines ${listed}); line ${last} wins`);
  }
  pushSome(allWarnings, warnings, 'keys set more than once');
}

function checkByteOrderMark(doc: PropertiesDocument, entries: readonly PropertyEntry[], warnings: string[]): void {
  const first = entries[0];
  if (!doc.hasBom || first === undefined || first.line !== 1) return;
  warnings.push(
    `the file starts with a byte-order mark, which Java does not skip: Alluxio will not recognise "${first.key}" ` +
      'on line 1; save the file without a BOM',
  );
}

/** Alluxio decodes the file as ISO-8859-1, so raw UTF-8 in a key or value reaches it garbled. */
function checkEncoding(entries: readonly PropertyEntry[], allWarnings: string[]): void {
  const warnings: string[] = [];
  for (const entry of entries) {
    if (/[^\x00-\x7f]/.test(entry.raw)) {
      warnings.push(
        `"${clipped(entry.key)}" (line ${entry.line}) contains non-ASCII characters, which Alluxio reads as ISO-8859-1; ` +
          'write them as \\uXXXX escapes',
      );
    }
  }
  pushSome(allWarnings, warnings, 'entries with non-ASCII characters');
}

/**
 * A credential `deploy` would have to ship to the tasks (the Mesos secret is the scheduler's own and
 * never shipped): said as soon as the file is read (init, check-ports), since deploy refuses it.
 */
function checkCredentials(entries: readonly PropertyEntry[], warnings: string[]): void {
  const found: string[] = [];
  for (const { key, value, line } of entries) {
    if (isSecretKey(key) || !isSecretProperty(key, javaTrim(value))) continue;
    const what = isSecretPropertyKey(key) ? 'a credential' : `a password or token in a URI (${shown(undefined, value)})`;
    found.push(`"${key}" (line ${line}) holds ${what}, which deploy refuses to ship to Mesos tasks; ${credentialFix(key, value)}`);
  }
  pushSome(warnings, found, 'credentials');
}

function checkJdk(doc: PropertiesDocument, warnings: string[]): void {
  const url = setProperty(doc, 'alluxio.integration.mesos.jdk.url');
  if (url === undefined || url.value.toUpperCase() === 'LOCAL') return;
  if (setProperty(doc, 'alluxio.integration.mesos.jdk.path') !== undefined) return;
  warnings.push(
    `"alluxio.integration.mesos.jdk.url" (line ${url.line}) downloads a JDK but "alluxio.integration.mesos.jdk.path" ` +
      'is not set: the default jdk1.8.0_151 must be the directory the tarball unpacks to',
  );
}
