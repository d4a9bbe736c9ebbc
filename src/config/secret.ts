/**
 * The Mesos secret is never taken from argv (it would show in `ps` and shell history): it comes
 * from a file or from ALLUXIO_MESOS_SECRET, and is never printed.
 */
import { stat } from 'node:fs/promises';
import { readBoundedText, UnfitFileError } from '../shared/bounded-read.js';
import { UsageError } from '../shared/errors.js';

/** A secret is a line of text; a bigger file is the wrong file (and is not read into memory). */
const SECRET_FILE_MAX_BYTES = 64 * 1024;

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
      [text, mode] = await Promise.all([readBoundedText(secretFile, SECRET_FILE_MAX_BYTES), stat(secretFile).then((s) => s.mode)]);
    } catch (error) {
      const hint = 'pass --secret-file with a readable file, or set ALLUXIO_MESOS_SECRET';
      if (error instanceof UnfitFileError) throw new UsageError(`the secret file: ${error.message}`, { hint });
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`cannot read the secret file ${secretFile} (${code})`, { hint });
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
