/**
 * HTTP Basic credentials for Mesos: a principal plus a secret read from `--secret-file` or the
 * ALLUXIO_MESOS_SECRET environment variable. The secret never goes on the command line and is never
 * printed; `secretSource` says where it came from so that error messages can point there instead.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SECRET_ENV } from '../../config/secret.js';
import { UsageError } from '../../shared/errors.js';

export { SECRET_ENV };

export interface Credentials {
  principal: string;
  secret: string;
  /** `ALLUXIO_MESOS_SECRET` or `--secret-file /path`: shown to the user, never the secret itself. */
  secretSource: string;
}

export interface CredentialsInput {
  principal?: string | undefined;
  secretFile?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Undefined when no credentials were asked for. A file beats the environment: it is the explicit choice. */
export async function loadCredentials(input: CredentialsInput): Promise<Credentials | undefined> {
  const principal = input.principal?.trim();
  const envSecret = input.env[SECRET_ENV];
  const hasEnvSecret = envSecret !== undefined && envSecret !== '';

  if (principal === undefined || principal === '') {
    if (input.secretFile !== undefined) {
      throw new UsageError('--secret-file was given without a principal', { hint: 'add --principal <name>' });
    }
    return undefined;
  }
  if (principal.includes(':')) {
    throw new UsageError(`principal "${principal}" contains ":", which HTTP Basic authentication cannot carry`);
  }

  if (input.secretFile !== undefined) {
    const file = path.resolve(input.cwd, input.secretFile);
    let content: string;
    try {
      content = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`cannot read --secret-file ${file}: ${code ?? String(error)}`, {
        hint: 'the file holds only the secret, e.g. created with: umask 077; printf %s "$SECRET" > secret',
        cause: error,
      });
    }
    // Editors add a final newline; a secret never legitimately ends with one.
    const secret = content.replace(/\r?\n$/, '');
    if (secret === '') throw new UsageError(`--secret-file ${file} is empty`);
    return { principal, secret, secretSource: `--secret-file ${file}` };
  }
  if (hasEnvSecret) return { principal, secret: envSecret, secretSource: SECRET_ENV };
  throw new UsageError(`principal "${principal}" was given without a secret`, {
    hint: `pass --secret-file <file> or set ${SECRET_ENV}`,
  });
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.principal}:${credentials.secret}`, 'utf8').toString('base64')}`;
}

/** "principal 'alluxio' (secret from ALLUXIO_MESOS_SECRET)" — what was sent, minus the secret. */
export function describeCredentials(credentials: Credentials | undefined): string {
  if (credentials === undefined) return 'no credentials';
  return `principal '${credentials.principal}' (secret from ${credentials.secretSource})`;
}
