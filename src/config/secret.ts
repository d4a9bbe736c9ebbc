/**
 * The Mesos secret is never taken from argv (it would show in `ps` and shell history): it comes
 * from a file or from ALLUXIO_MESOS_SECRET, and is never printed.
 */
import { readFile, stat } from 'node:fs/promises';
import { UsageError } from '../shared/errors.js';

export const SECRET_ENV = 'ALLUXIO_MESOS_SECRET';
export const SECRET_PROPERTY = 'alluxio.integration.mesos.secret';

export interface SecretSource {
  secret: string;
  /** Where it came from, safe to show: a path or the variable's name, never the value. */
  origin: string;
  /** A warning worth showing, e.g. a secret file readable by other users. */
  warning?: string;
}

export async function readSecret(
  secretFile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<SecretSource | undefined> {
  if (secretFile !== undefined && secretFile !== '') {
    let text: string;
    let mode: number;
    try {
      [text, mode] = await Promise.all([readFile(secretFile, 'utf8'), stat(secretFile).then((s) => s.mode)]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`cannot read the secret file ${secretFile} (${code})`, {
        hint: 'pass --secret-file with a readable file, or set ALLUXIO_MESOS_SECRET',
      });
    }
    const secret = text.replace(/\r?\n$/, '');
    if (secret === '') {
      throw new UsageError(`the secret file ${secretFile} is empty`, { hint: 'write the secret into it, on one line' });
    }
    const warning =
      (mode & 0o077) !== 0
        ? `${secretFile} can be read by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${secretFile}`
        : undefined;
    return { secret, origin: secretFile, ...(warning === undefined ? {} : { warning }) };
  }
  const fromEnv = env[SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { secret: fromEnv, origin: SECRET_ENV };
  return undefined;
}
