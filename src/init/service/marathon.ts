/**
 * The scheduler as a Marathon app: two instances on different hosts, both `deploy --standby` on
 * the same ZooKeeper state, so one is the active scheduler and the other takes over when it goes.
 * The Mesos secret comes from Marathon's secret store as a file in the sandbox, never from the app.
 */
import { shellQuote } from '../../shared/shell-quote.js';
import { deployArguments, MARATHON_SECRET_STORE_PATH, type ServiceInputs } from './inputs.js';
/** Where Marathon puts the secret, relative to the sandbox. */
const SECRET_VOLUME_PATH = 'alluxio-mesos-secret';
/** The scheduler's pid, written by the task's shell before it becomes the scheduler (exec). */
const PID_FILE = 'alluxio-mesos-scheduler.pid';
/** Stands for the secret's path among the arguments; replaced by a sandbox path the shell expands. */
const SECRET_ARGUMENT = '\u0000secret';
const SANDBOX = '"${MESOS_SANDBOX:-.}"';

/** The fields of Marathon's app definition this file uses (see the schema in test/fixtures/marathon). */
export interface MarathonApp {
  id: string;
  cmd: string;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  user: string;
  portDefinitions: never[];
  constraints: string[][];
  container?: { type: 'MESOS'; volumes: Array<{ containerPath: string; secret: string }> };
  secrets?: Record<string, { source: string }>;
  healthChecks: Array<{
    protocol: 'COMMAND';
    command: { value: string };
    gracePeriodSeconds: number;
    intervalSeconds: number;
    timeoutSeconds: number;
    maxConsecutiveFailures: number;
    delaySeconds: number;
  }>;
  upgradeStrategy: { minimumHealthCapacity: number; maximumOverCapacity: number };
  taskKillGracePeriodSeconds: number;
  backoffSeconds: number;
  backoffFactor: number;
  maxLaunchDelaySeconds: number;
  labels: Record<string, string>;
}

/**
 * The task's shell command: record the pid, then `exec` so that the scheduler itself is the task's
 * process (Marathon's SIGTERM reaches it, and its exit code is the task's).
 */
function marathonCommand(inputs: ServiceInputs): string {
  const secret = inputs.secretFile === undefined ? undefined : SECRET_ARGUMENT;
  const words = [inputs.node, inputs.cli, ...deployArguments(inputs, secret)].map((arg) =>
    arg === SECRET_ARGUMENT ? `${SANDBOX}/${SECRET_VOLUME_PATH}` : shellQuote(arg),
  );
  return `echo $$ > ${SANDBOX}/${PID_FILE} && exec ${words.join(' ')}`;
}

/**
 * Healthy while the scheduler process of this instance lives and is not stopped (SIGSTOP) or a
 * zombie. A standby is healthy: waiting is its job. Alluxio's own health is `status`'s business,
 * never Marathon's: an unhealthy Alluxio worker must not get the scheduler that relaunches it killed.
 */
export const MARATHON_HEALTH_COMMAND =
  `pid=$(cat ${SANDBOX}/${PID_FILE}) && kill -0 "$pid" && ` + `! grep -q '^State:[[:space:]]*[TtZ]' "/proc/$pid/status"`;

export function marathonApp(inputs: ServiceInputs): MarathonApp {
  const withSecret = inputs.secretFile !== undefined;
  return {
    id: '/alluxio-mesos-scheduler',
    cmd: marathonCommand(inputs),
    instances: 2,
    cpus: 0.5,
    mem: 512,
    disk: 0,
    user: inputs.user,
    // The scheduler listens on no port.
    portDefinitions: [],
    // One instance per host: a standby on the same host as the leader protects against nothing.
    constraints: [['hostname', 'UNIQUE']],
    ...(withSecret
      ? {
          container: { type: 'MESOS' as const, volumes: [{ containerPath: SECRET_VOLUME_PATH, secret: 'mesosSecret' }] },
          secrets: { mesosSecret: { source: MARATHON_SECRET_STORE_PATH } },
        }
      : {}),
    healthChecks: [
      {
        protocol: 'COMMAND',
        command: { value: MARATHON_HEALTH_COMMAND },
        gracePeriodSeconds: 60,
        intervalSeconds: 30,
        timeoutSeconds: 10,
        maxConsecutiveFailures: 3,
        delaySeconds: 15,
      },
    ],
    // Replace one instance at a time and never run a third: one of the two (leader or standby)
    // is up throughout, and the standby takes over while the leader is replaced.
    upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
    // Beyond the few seconds deploy needs to disconnect after SIGTERM.
    taskKillGracePeriodSeconds: 30,
    backoffSeconds: 10,
    backoffFactor: 1.5,
    maxLaunchDelaySeconds: 300,
    labels: {
      'alluxio-mesos.conf-dir': inputs.confDir,
      'alluxio-mesos.mesos-master': inputs.masterShown,
      'alluxio-mesos.alluxio': inputs.alluxio,
    },
  };
}

export function renderMarathonApp(inputs: ServiceInputs): string {
  return `${JSON.stringify(marathonApp(inputs), null, 2)}\n`;
}
