/**
 * Which configuration keys and environment variable names hold secrets. The original framework
 * shipped its whole configuration, Mesos secret and UFS credentials included, in the task
 * environment (§1.4 of the reference notes); task commands and environments are visible to anyone
 * who can read the Mesos state endpoints, so nothing matching these may ever reach a task.
 *
 * Deliberately wider than the catalog's list: a false alarm costs the user one edit, a miss leaks a
 * credential.
 */
import { isSecretKey as isCatalogSecret } from '../../config/catalog.js';

/** Keys that are secret whatever their name looks like. */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  'alluxio.integration.mesos.secret',
  'alluxio.security.login.impersonation.password',
  'aws.accessKeyId',
  'aws.secretKey',
  'fs.oss.accessKeyId',
  'fs.oss.accessKeySecret',
  'fs.cos.access.key',
  'fs.cos.secret.key',
  'fs.gcs.accessKeyId',
  'fs.gcs.secretAccessKey',
  'fs.swift.apikey',
  'fs.swift.password',
]);

/**
 * Name fragments that mark a credential in Alluxio, Hadoop and cloud SDK keys (`aws.secretKey`,
 * `fs.azure.account.key.<account>...`, `...password`, `...token`). Matching by fragment also catches
 * credentials passed as mount options (`alluxio.master.mount.table.root.option.aws.secretKey`).
 */
const SECRET_KEY_PATTERN = /(secret|password|passwd|credential|token|apikey|api\.key|access\.?key|account\.key|private\.?key)/i;

/** Environment variable names that carry credentials (AWS_SECRET_ACCESS_KEY, MESOS_SECRET, ...). */
const SECRET_ENV_PATTERN = /(SECRET|PASSWORD|PASSWD|CREDENTIAL|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY)/i;

export function isSecretPropertyKey(key: string): boolean {
  return isCatalogSecret(key) || SECRET_KEYS.has(key) || SECRET_KEY_PATTERN.test(key);
}

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_PATTERN.test(name);
}
