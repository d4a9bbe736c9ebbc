/**
 * Where the Mesos credentials come from: `--principal`/`--secret-file` flags, the
 * ALLUXIO_MESOS_SECRET environment variable, or the site file. The secret never goes on the command
 * line and is never printed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SECRET_ENV } from '../config/secret.js';
import type { Credentials } from '../mesos/client/credentials.js';
import { UsageError } from '../shared/errors.js';
import type { CommandContext } from './context.js';
import type { LoadedSite } from './site.js';

/** The flags that name the credentials (part of every command's connection flags). */
export interface CredentialFlags {
  principal?: string;
  secretFile?: string;
}

/**
 * Credentials are sent only when a secret is available, as the original framework did: a principal
 * alone (Alluxio's default is "alluxio") names the framework but authenticates nothing.
 */
export async function resolveCredentials(ctx: CommandContext, flags: CredentialFlags, site: LoadedSite): Promise<Credentials | undefined> {
  const secretFile = flags.secretFile ?? site.settings.secretFile;
  const principal = flags.principal ?? site.config.mesos.principal;
  const envSecret = ctx.io.env[SECRET_ENV];
  const propertySecret = site.config.mesos.secret;
  if (secretFile === undefined && (envSecret === undefined || envSecret === '')) {
    if (propertySecret === undefined || principal === undefined) {
      if (flags.principal !== undefined) {
        throw new UsageError(`--principal ${flags.principal} was given without a secret`, {
          hint: 'pass --secret-file <file> or set ALLUXIO_MESOS_SECRET',
        });
      }
      return undefined;
    }
    return { principal, secret: propertySecret, secretSource: `${site.file} (alluxio.integration.mesos.secret)` };
  }
  return loadCredentials({ principal: principal ?? '', secretFile, env: ctx.io.env, cwd: ctx.io.cwd });
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
