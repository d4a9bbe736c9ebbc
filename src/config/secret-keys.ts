/**
 * Which configuration keys, values and environment variable names hold secrets. The original framework
 * shipped its whole configuration, Mesos secret and UFS credentials included, in the task
 * environment (§1.4 of the reference notes); task commands and environments are visible to anyone
 * who can read the Mesos state endpoints, so nothing matching these may ever reach a task.
 *
 * Deliberately wider than the catalog's list: a false alarm costs the user one edit, a miss leaks a
 * credential.
 */
import { hasUriCredentials, maskUriCredentials } from '../shared/uri-credentials.js';
import { isSecretKey as isCatalogSecret } from './catalog.js';

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

/** What stands for a secret property's value wherever the file is shown. */
const SECRET_MASK = '********';

/**
 * Whether a property holds a credential: by its name (`aws.secretKey`), or inside its value, as a
 * URI password or credential parameter (`alluxio.underfs.address=s3a://KEY:SECRET@bucket/`).
 */
export function isSecretProperty(key: string, value: string): boolean {
  return (isSecretPropertyKey(key) && value.trim() !== '') || hasUriCredentials(value);
}

/** The value as it may be shown: a secret key's value masked whole, credentials inside any value masked. */
export function shownPropertyValue(key: string, value: string): string {
  if (isSecretPropertyKey(key) && value.trim() !== '') return SECRET_MASK;
  return maskUriCredentials(value);
}

/**
 * What to do instead of shipping a credential to Mesos tasks: the agents hold it. Alluxio's S3
 * client falls back to the AWS default chain (environment, instance profile, ~/.aws/credentials)
 * when aws.accessKeyId/aws.secretKey (2.x: s3a.*) are not set; Mesos agents pass their own
 * environment to the tasks unless --executor_environment_variables replaces it.
 */
export function credentialFix(key: string, value: string): string {
  const inValue = !isSecretPropertyKey(key);
  const s3 = /^(aws|s3a|fs\.s3a?)\./i.test(key) || /\bs3[an]?:\/\//i.test(value);
  const where = s3
    ? "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the Mesos agents' environment (tasks inherit it), an instance profile, " +
      'or ~/.aws/credentials of the user the tasks run as'
    : "the Mesos agents' environment (tasks inherit it) or the storage client's own configuration on the agents";
  const remove = inValue ? `remove the credentials from ${key} and give them` : `remove ${key} from alluxio-site.properties and give it`;
  return `${remove} to the agents instead: ${where}`;
}
