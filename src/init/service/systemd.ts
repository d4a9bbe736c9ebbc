/**
 * The scheduler as a systemd service: `deploy` in the foreground, restarted when it fails, stopped
 * with SIGTERM (a clean disconnection: exit 0, the Alluxio tasks keep running). The Mesos secret
 * reaches it through systemd's credentials (LoadCredential=), never through the unit's text.
 */
import { deployArguments, type ServiceInputs } from './inputs.js';

/** The name systemd gives the secret inside $CREDENTIALS_DIRECTORY (`%d`). */
const CREDENTIAL_NAME = 'mesos-secret';
/** Stands for the credential's path among the arguments; replaced by the `%d` specifier unquoted. */
const CREDENTIAL_ARGUMENT = '\u0000credential';

/** Characters systemd takes literally in a command line word: no quotes, escapes, specifiers or variables. */
const PLAIN_WORD = /^[A-Za-z0-9_@+=:,./-]+$/;

/**
 * One word of an ExecStart= line that systemd reads back as exactly `value`: double quotes with C
 * escapes for `\` and `"`, `%%` for a literal `%` (specifiers) and `$$` for a literal `$`
 * (environment variable expansion).
 */
export function systemdWord(value: string): string {
  if (/[\0\n\r]/.test(value)) throw new TypeError('a systemd command line word cannot hold NUL or a line break');
  if (value !== '' && PLAIN_WORD.test(value)) return value;
  return `"${value
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/%/g, '%%')
    .replace(/\$/g, '$$$$')}"`;
}

/** A value on the right of `Key=` (not a command line): only specifiers need escaping. */
function systemdValue(value: string): string {
  if (/[\0\n\r]/.test(value)) throw new TypeError('a systemd setting cannot hold NUL or a line break');
  return value.replace(/%/g, '%%');
}

/** `# ` before every line of a comment block. */
function comment(lines: readonly string[]): string[] {
  return lines.map((line) => (line === '' ? '#' : `# ${line}`));
}

export function renderSystemdUnit(inputs: ServiceInputs): string {
  const secret = inputs.secretFile === undefined ? undefined : CREDENTIAL_ARGUMENT;
  const words = [inputs.node, inputs.cli, ...deployArguments(inputs, secret)].map((arg) =>
    arg === CREDENTIAL_ARGUMENT ? `%d/${CREDENTIAL_NAME}` : systemdWord(arg),
  );
  const sharedState =
    inputs.state === undefined
      ? [
          'The state (framework id, task ledger) is a file in the configuration directory: a standby on',
          'another host needs that directory on storage both hosts share. Simpler: keep the state in',
          'ZooKeeper (alluxio-mesos init --state zk://zk1:2181/alluxio-mesos) and write this file again.',
        ]
      : [`The state (framework id, task ledger) is in ZooKeeper (${inputs.stateShown ?? ''}),`, 'so any host can take over.'];
  const lines = [
    ...comment([
      'The Alluxio on Mesos framework scheduler as a systemd service, written by',
      '`alluxio-mesos init --write-service systemd`: run that again after changing the settings.',
      `  configuration: ${inputs.confDir}`,
      `  Mesos master:  ${inputs.masterShown}`,
      `  Alluxio:       ${inputs.alluxio}`,
      '',
      'Install: cp alluxio-mesos-scheduler.service /etc/systemd/system/',
      '         systemctl daemon-reload && systemctl enable --now alluxio-mesos-scheduler',
      `Needs: the user ${inputs.user}, allowed to write ${inputs.confDir} (the scheduler keeps its state there).`,
      '',
      'A hot standby on a second host: install the CLI, the configuration and this same file there.',
      'Every instance runs with --standby: the first to start is the active scheduler, the others',
      'wait and take over when it goes.',
      ...sharedState,
      '',
      'systemctl stop sends SIGTERM: the scheduler disconnects from Mesos and exits 0; the Alluxio',
      'tasks keep running for the failover timeout, and the next start adopts them.',
    ]),
    '',
    '[Unit]',
    `Description=Alluxio on Mesos framework scheduler (${systemdValue(inputs.confDir)})`,
    'After=network-online.target',
    'Wants=network-online.target',
    '# Keep restarting however long Mesos or ZooKeeper are away.',
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=exec',
    `User=${inputs.user}`,
    `WorkingDirectory=${systemdValue(inputs.workingDirectory)}`,
    ...(inputs.secretFile === undefined
      ? []
      : [
          '# The Mesos secret: systemd reads the file (it may be readable by root only) and hands this',
          '# service alone a copy under %d, $CREDENTIALS_DIRECTORY (systemd 247 or later).',
          `LoadCredential=${CREDENTIAL_NAME}:${systemdValue(inputs.secretFile)}`,
        ]),
    `ExecStart=${words.join(' ')}`,
    'Restart=on-failure',
    'RestartSec=10s',
    '# Exit 2 is a usage or configuration error: restarting cannot fix it.',
    'RestartPreventExitStatus=2',
    '# SIGTERM: deploy disconnects cleanly and exits 0 within a second or two.',
    'KillSignal=SIGTERM',
    'TimeoutStopSec=30s',
    'NoNewPrivileges=yes',
    'PrivateTmp=yes',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}
