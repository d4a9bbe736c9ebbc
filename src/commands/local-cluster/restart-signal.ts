/**
 * SIGUSR2 for `local-cluster`: restarts the master in place once the cluster is up.
 *
 * Node's default action for SIGUSR2 is to exit, so the handler is installed before the cluster
 * starts (seconds under load): a SIGUSR2 sent while it starts must never kill it. It is ignored then,
 * with a line saying so, rather than queued: a restart behind a start the operator has not seen
 * finish would surprise more than it helps, and "send it again" is easy.
 */
export interface RestartSignalOptions {
  restart: () => Promise<void>;
  /** One line for the operator (stderr). */
  say: (line: string) => void;
  /** No ZooKeeper: the agents will not come back (real Mesos behaviour); the restart line says so. */
  standalone: boolean;
  signal?: NodeJS.Signals;
  /** The process to listen on (tests pass an EventEmitter). */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export interface RestartSignal {
  /** The cluster is up: from now on the signal restarts the master. */
  ready(): void;
  remove(): void;
}

export function installRestartSignal(options: RestartSignalOptions): RestartSignal {
  const signal = options.signal ?? 'SIGUSR2';
  const target = options.target ?? process;
  let ready = false;
  let restarting = false;
  const handler = (): void => {
    if (!ready) {
      options.say(`${signal} ignored: the local cluster is still starting; send it again once it is ready`);
      return;
    }
    if (restarting) {
      options.say(`${signal} ignored: the master is already restarting`);
      return;
    }
    restarting = true;
    options.say(
      options.standalone
        ? `${signal}: restarting the master. Without ZooKeeper the agents do not re-register with it, as on Mesos (their tasks keep running); use --zk to rehearse a failover`
        : `${signal}: restarting the master; the agents re-register through ZooKeeper`,
    );
    options
      .restart()
      .then(
        () => options.say('the master restarted'),
        (error: unknown) => options.say(`restarting the master failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        restarting = false;
      });
  };
  target.on(signal, handler);
  return {
    ready: () => {
      ready = true;
    },
    remove: () => {
      target.off(signal, handler);
    },
  };
}
