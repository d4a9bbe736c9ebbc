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

const SCHEME = /[A-Za-z][A-Za-z0-9+.-]*:\/\//g;
/** Where a URI's authority surely ends: blanks, quotes and the query or fragment. */
const AUTHORITY_END = /[\s"'<>?#]/;
/** A value ends where the query goes on, or where prose around it does (`(...?sig=abc), then`). */
const QUERY_PARAMETER = /([?&;])([A-Za-z0-9_.-]+)=([^&;#\s"'<>),\]}]*)/g;
/**
 * Parameter names that carry a secret, alone or after a prefix (`aws_secret_access_key`,
 * `X-Amz-Signature`, `x-amz-security-token`, `client_secret`, `zk_password`). Not the names that
 * only identify (`X-Amz-Credential`, `AWSAccessKeyId`): they are not secret.
 */
const CREDENTIAL_PARAMETER =
  /^(?:.*[_.-])?(?:password|passwd|pwd|secret|secret[_-]?key|secret[_-]?access[_-]?key|token|signature|sig|api[_-]?key|private[_-]?key)$/i;

/** Every URI password and credential parameter in `text`, in order. */
export function findUriCredentials(text: string): UriCredential[] {
  const found = [...userInfoPasswords(text), ...credentialParameters(text)];
  return found.sort((a, b) => a.start - b.start);
}

export function hasUriCredentials(text: string): boolean {
  return findUriCredentials(text).length > 0;
}

/** What stands for a URI password or a credential parameter's value. */
const MASK = '***';

/** `text` with every URI password and credential parameter value replaced by ***. */
export function maskUriCredentials(text: string): string {
  const found = findUriCredentials(text);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const credential of found) {
    if (credential.end <= at) continue;
    out += text.slice(at, Math.max(at, credential.start)) + MASK;
    at = credential.end;
  }
  return out + text.slice(at);
}

/**
 * `scheme://user:password@host`: the user info ends at the last `@` before the path that follows
 * the first `@` (a password may hold a raw `@` or `/`, as AWS secret keys do). `host:8020/dir@x` is
 * a port and a path, not credentials; a user without a password is not a secret.
 */
function userInfoPasswords(text: string): UriCredential[] {
  const found: UriCredential[] = [];
  const schemes = [...text.matchAll(SCHEME)];
  schemes.forEach((match, index) => {
    const start = match.index + match[0].length;
    const next = schemes[index + 1]?.index ?? text.length;
    const blank = text.slice(start, next).search(AUTHORITY_END);
    const region = text.slice(start, blank === -1 ? next : start + blank);
    const firstAt = region.indexOf('@');
    if (firstAt === -1) return;
    const slash = region.indexOf('/', firstAt);
    const lastAt = region.lastIndexOf('@', slash === -1 ? region.length : slash);
    const userInfo = region.slice(0, lastAt);
    const colon = userInfo.indexOf(':');
    if (colon === -1) return;
    const user = userInfo.slice(0, colon);
    const password = userInfo.slice(colon + 1);
    if (password === '' || password === MASK || user.includes('/') || /^\d+\//.test(password)) return;
    found.push({ kind: 'password', start: start + colon + 1, end: start + lastAt });
  });
  return found;
}

function credentialParameters(text: string): UriCredential[] {
  const found: UriCredential[] = [];
  for (const match of text.matchAll(QUERY_PARAMETER)) {
    const [whole, , name = '', value = ''] = match;
    // `***` is what masking leaves: masking a message twice must not eat what follows the value.
    if (value === '' || value.startsWith(MASK) || !CREDENTIAL_PARAMETER.test(name)) continue;
    const end = match.index + whole.length;
    found.push({ kind: 'parameter', name, start: end - value.length, end });
  }
  return found;
}
