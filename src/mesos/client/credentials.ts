/**
 * HTTP Basic credentials for Mesos: a principal and a secret. The secret is never printed;
 * `secretSource` says where it came from so that error messages can point there instead.
 */
export interface Credentials {
  principal: string;
  secret: string;
  /** `ALLUXIO_MESOS_SECRET` or `--secret-file /path`: shown to the user, never the secret itself. */
  secretSource: string;
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.principal}:${credentials.secret}`, 'utf8').toString('base64')}`;
}

/** "principal 'alluxio' (secret from ALLUXIO_MESOS_SECRET)" — what was sent, minus the secret. */
export function describeCredentials(credentials: Credentials | undefined): string {
  if (credentials === undefined) return 'no credentials';
  return `principal '${credentials.principal}' (secret from ${credentials.secretSource})`;
}
