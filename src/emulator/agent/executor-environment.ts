/**
 * The environment an agent of the embedded cluster hands its executors, under the variables the
 * agent and executor set themselves (MESOS_SANDBOX, MESOS_TASK_ID, ...) and the task's own.
 *
 * A real Mesos agent passes its whole environment on unless `--executor_environment_variables`
 * names the variables. These agents run inside `deploy --master local` or `local-cluster`, whose
 * environment is the operator's (ALLUXIO_MESOS_SECRET, cloud credentials, tokens): they behave as
 * agents started with that flag naming only what a process needs to run, so nothing of the CLI's
 * own environment reaches a task.
 */
import type { CommandInfo } from '../../mesos/protocol/types.js';
const PASSED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'JAVA_HOME'];
/** Locale categories (LC_ALL, LC_CTYPE, ...). */
const PASSED_PREFIX = /^LC_[A-Z]+$/;
/** What Mesos gives a container whose environment has no PATH (os::host_default_path()). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function agentExecutorEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const passed: Record<string, string> = { PATH: DEFAULT_PATH };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (PASSED.includes(name) || PASSED_PREFIX.test(name))) passed[name] = value;
  }
  return passed;
}

export interface ExecutorIdentity {
  /** What the agent passes on of its own environment (agentExecutorEnvironment). */
  agentEnvironment: Readonly<Record<string, string>>;
  hostname: string;
  /** `host:port` of the agent. */
  agentEndpoint: string;
  agentId: string;
  /** `slave(1)@host:port`. */
  agentPid: string;
  frameworkId: string;
  executorId: string;
  containerId: string;
  directory: string;
  checkpoint: boolean;
}

/**
 * What every executor of a Mesos 1.12 agent finds in its environment (`executorEnvironment()` in
 * slave.cpp): the agent's passed-on variables, then the MESOS_* ones naming the agent, framework,
 * executor and sandbox. LIBPROCESS_IP is the agent's own address, so an executor never needs DNS.
 * MESOS_AGENT_ID and MESOS_CONTAINER_ID are the emulator's own additions.
 */
export function mesosExecutorEnvironment(ids: ExecutorIdentity): Record<string, string> {
  return {
    ...ids.agentEnvironment,
    LIBPROCESS_IP: ids.hostname,
    // The executor binds a free port of its own, whatever the agent's --port.
    LIBPROCESS_PORT: '0',
    MESOS_AGENT_ENDPOINT: ids.agentEndpoint,
    MESOS_AGENT_ID: ids.agentId,
    MESOS_SLAVE_ID: ids.agentId,
    MESOS_SLAVE_PID: ids.agentPid,
    MESOS_FRAMEWORK_ID: ids.frameworkId,
    MESOS_EXECUTOR_ID: ids.executorId,
    MESOS_CONTAINER_ID: ids.containerId,
    MESOS_DIRECTORY: ids.directory,
    MESOS_SANDBOX: ids.directory,
    MESOS_CHECKPOINT: ids.checkpoint ? '1' : '0',
    // The agent flag defaults (--executor_shutdown_grace_period, --recovery_timeout,
    // --executor_reregistration_timeout), in stout's Duration format.
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
    ...(ids.checkpoint ? { MESOS_RECOVERY_TIMEOUT: '15mins', MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs' } : {}),
  };
}

/** The VALUE variables of a CommandInfo (SECRET ones have no value here: there is no secret resolver). */
export function commandVariables(command: CommandInfo | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of command?.environment?.variables ?? []) {
    if ((variable.type ?? 'VALUE') === 'VALUE') env[variable.name] = variable.value ?? '';
  }
  return env;
}
