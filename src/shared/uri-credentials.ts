/**
 * Credentials written inside URIs, wherever they appear in a text: the password of a URI's user
 * info (`s3a://KEY:SECRET@bucket/...`, `zk://user:PASS@zk1:2181/mesos`) and well-known credential
 * query parameters (`?aws_secret_access_key=...`, `&sig=...`, `X-Amz-Signature=...`, `password=`,
 * `token=`). Key-name filters never see these (the key is `alluxio.underfs.address`), so every
 * value that is shown, logged or shipped is also checked here.
 *
 * Deliberately generous: masking a little too much in a message costs nothing, a miss leaks.
 */

export interface UriCredential {
  readonly kind: 'password' | 'parameter';
  /** The query parameter's name, for `parameter`. */
  readonly name?: string;
  /** Where the secret itself is in the text (the part that gets masked). */
  readonly start: number;
  readonly end: number;
}

/** Where a URI's authority surely ends: blanks, quotes, `<>` and the query or fragment. */
const AUTHORITY_END = new Set([...' \t\n\r\f\v"\'<>?#'].map((c) => c.charCodeAt(0)));
/** Where a parameter's value ends: the next parameter, or prose around it (`(...?sig=abc), then`). */
const VALUE_END = new Set([...'&;# \t\n\r\f\v"\'<>),]}'].map((c) => c.charCodeAt(0)));
/** Longer names are no credential parameter anyone uses (and would cost the name test time). */
const MAX_PARAMETER_NAME = 64;
/**
 * Parameter names that carry a secret, alone or after a prefix (`aws_secret_access_key`,
 * `X-Amz-Signature`, `x-amz-security-token`, `client_secret`, `zk_password`). Not the names that
 * only identify (`X-Amz-Credential`, `AWSAccessKeyId`): they are not secret.
 */
const CREDENTIAL_PARAMETER =
  /^(?:.*[_.-])?(?:password|passwd|pwd|secret|secret[_-]?key|secret[_-]?access[_-]?key|token|signature|sig|api[_-]?key|private[_-]?key)$/i;
/** What stands for a URI password or a credential parameter's value. */
const MASK = '***';

/**
 * Calls `found` for each credential, in order within each kind, until it returns false. Both
 * scans read character codes: they run on every value read and shown, 20 MB ones included, in
 * linear time and without allocating for what is not a credential.
 */
type Visitor = (credential: UriCredential) => boolean;

/** Every URI password and credential parameter in `text`, in order. */
export function findUriCredentials(text: string): UriCredential[] {
  const found: UriCredential[] = [];
  const collect: Visitor = (credential) => found.push(credential) > 0;
  scanUserInfo(text, collect);
  scanParameters(text, collect);
  return found.sort((a, b) => a.start - b.start);
}

export function hasUriCredentials(text: string): boolean {
  let any = false;
  const stop: Visitor = () => {
    any = true;
    return false;
  };
  scanUserInfo(text, stop);
  if (!any) scanParameters(text, stop);
  return any;
}

/** `text` with every URI password and credential parameter value replaced by ***. */
export function maskUriCredentials(text: string): string {
  const found = findUriCredentials(text);
  if (found.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const credential of found) {
    if (credential.end <= at) continue;
    parts.push(text.slice(at, Math.max(at, credential.start)), MASK);
    at = credential.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * `scheme://user:password@host`: the user info ends at the last `@` before the path that follows
 * the first `@` (a password may hold a raw `@` or `/`, as AWS secret keys do). `host:8020/dir@x` is
 * a port and a path, not credentials; a user without a password is not a secret. Each authority
 * ends at the next `scheme://` at the latest. The `://` are found first and the scheme read
 * backwards: one regular expression for `scheme://` takes quadratic time on a long run of letters.
 */
function scanUserInfo(text: string, found: Visitor): void {
  let floor = 0;
  let pending = -1;
  for (let at = text.indexOf('://'); ; at = text.indexOf('://', at + 3)) {
    let schemeStart = at === -1 ? text.length : at;
    if (at !== -1) {
      while (schemeStart > floor && isSchemeChar(text.charCodeAt(schemeStart - 1))) schemeStart -= 1;
      // A scheme begins with a letter: skip the digits or signs a longer run may begin with.
      while (schemeStart < at && !isLetter(text.charCodeAt(schemeStart))) schemeStart += 1;
    }
    const isScheme = at !== -1 && schemeStart < at;
    if (pending !== -1 && (isScheme || at === -1)) {
      const credential = userInfoPassword(text, pending, schemeStart);
      if (credential !== undefined && !found(credential)) return;
      pending = -1;
    }
    if (at === -1) return;
    if (isScheme) pending = at + 3;
    floor = at + 3;
  }
}

/** The password of the authority that starts at `start` (and ends by `limit`), if it has one. */
function userInfoPassword(text: string, start: number, limit: number): UriCredential | undefined {
  let end = start;
  let firstAt = -1;
  for (; end < limit && !AUTHORITY_END.has(text.charCodeAt(end)); end++) {
    if (firstAt === -1 && text.charCodeAt(end) === AT) firstAt = end;
  }
  if (firstAt === -1) return undefined;
  const slash = text.indexOf('/', firstAt);
  const lastAt = text.lastIndexOf('@', (slash === -1 || slash > end ? end : slash) - 1);
  const colon = text.indexOf(':', start);
  if (colon === -1 || colon > lastAt) return undefined;
  const userSlash = text.indexOf('/', start);
  if (userSlash !== -1 && userSlash < colon) return undefined;
  if (colon + 1 === lastAt || text.startsWith(`${MASK}@`, colon + 1) || isPortAndPath(text, colon + 1, lastAt)) return undefined;
  return { kind: 'password', start: colon + 1, end: lastAt };
}

/** `?name=value`, `&name=value` and `;name=value` whose name says it carries a secret. */
function scanParameters(text: string, found: Visitor): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== QUESTION && code !== AMPERSAND && code !== SEMICOLON) continue;
    let equals = i + 1;
    while (equals < text.length && isNameChar(text.charCodeAt(equals))) equals++;
    if (equals === i + 1 || text.charCodeAt(equals) !== EQUALS) {
      i = equals - 1;
      continue;
    }
    let end = equals + 1;
    while (end < text.length && !VALUE_END.has(text.charCodeAt(end))) end++;
    const name = text.slice(i + 1, equals);
    // `***` is what masking leaves: masking a message twice must not eat what follows the value.
    const masked = text.startsWith(MASK, equals + 1);
    if (end > equals + 1 && !masked && name.length <= MAX_PARAMETER_NAME && CREDENTIAL_PARAMETER.test(name)) {
      if (!found({ kind: 'parameter', name, start: equals + 1, end })) return;
    }
    i = end - 1;
  }
}

const AT = 0x40;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;

/** `8020/dir` (a port, then a path holding an `@`), not a password. */
function isPortAndPath(text: string, from: number, to: number): boolean {
  let at = from;
  while (at < to && isDigit(text.charCodeAt(at))) at++;
  return at > from && at < to && text.charCodeAt(at) === SLASH;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Letters, digits, `+`, `-` and `.`. */
function isSchemeChar(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 0x2b || code === 0x2d || code === 0x2e;
}

/** Letters, digits, `_`, `.` and `-`. */
function isNameChar(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 0x5f || code === 0x2e || code === 0x2d;
}
