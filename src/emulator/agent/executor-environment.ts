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
