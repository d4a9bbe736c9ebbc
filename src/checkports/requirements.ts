/**
 * What `check-ports` checks agents against: the Alluxio ports and task sizes, the framework's role
 * and the number of masters. Deliberately its own small type, so the analysis does not depend on
 * the exact shape of the site configuration; the command maps one onto the other.
 */
import { portKey, type PortName } from '../config/site-config.js';
import { COMMAND_EXECUTOR_OVERHEAD } from '../mesos/resources/executor-overhead.js';

/** The ports Alluxio may need on an agent. 2.x has no worker data port; the journal port is the embedded journal's (2.x). */
export type AlluxioPortName = 'masterRpc' | 'masterWeb' | 'masterJournal' | 'workerRpc' | 'workerData' | 'workerWeb';

/** Which generation of `alluxio-site.properties` key names to write. */
export type PortKeySpelling = '1.x' | '2.x';

export interface NamedPort {
  readonly name: AlluxioPortName;
  readonly port: number;
}

export interface CheckPortsRequirements {
  /** The framework's role; `*` means none (only unreserved resources are usable). */
  readonly role: string;
  /** How many Alluxio masters must be placed, on distinct agents. */
  readonly masterCount: number;
  /** The only agent hostnames masters may run on (the embedded journal's addresses); undefined: any. */
  readonly masterHosts?: readonly string[];
  readonly master: {
    /** masterRpc and masterWeb. */
    readonly ports: readonly NamedPort[];
    readonly cpus: number;
    readonly memMb: number;
  };
  readonly worker: {
    /** workerRpc, workerWeb, and workerData for 1.x. */
    readonly ports: readonly NamedPort[];
    readonly cpus: number;
    /** The worker JVM's own memory (`alluxio.integration.worker.resource.mem`). */
    readonly overheadMemMb: number;
    /** The ramdisk (`alluxio.worker.memory.size`), which the worker task must also hold. */
    readonly ramdiskMb: number;
  };
  /** Spelling of the port keys in the site file, for suggested properties. */
  readonly spelling: PortKeySpelling;
}

const DEFAULT_PORTS: Readonly<Record<AlluxioPortName, number>> = {
  masterRpc: 19998,
  masterWeb: 19999,
  masterJournal: 19200,
  workerRpc: 29998,
  workerData: 29999,
  workerWeb: 30000,
};

export const PORT_LABELS: Readonly<Record<AlluxioPortName, string>> = {
  masterRpc: 'master rpc',
  masterWeb: 'master web',
  masterJournal: 'master embedded journal',
  workerRpc: 'worker rpc',
  workerData: 'worker data',
  workerWeb: 'worker web',
};

const CONFIG_PORT_NAME: Readonly<Record<AlluxioPortName, PortName>> = {
  masterRpc: 'master.rpc',
  masterWeb: 'master.web',
  masterJournal: 'master.journal',
  workerRpc: 'worker.rpc',
  workerData: 'worker.data',
  workerWeb: 'worker.web',
};

function keysFor(spelling: PortKeySpelling): Readonly<Record<AlluxioPortName, string>> {
  const entries = Object.entries(CONFIG_PORT_NAME).map(([name, configName]) => [name, portKey(configName, spelling)]);
  return Object.fromEntries(entries) as Record<AlluxioPortName, string>;
}

/** The property name of each port per generation, as the configuration catalog spells it. */
export const PORT_PROPERTY_KEYS: Readonly<Record<PortKeySpelling, Readonly<Record<AlluxioPortName, string>>>> = {
  '1.x': keysFor('1.x'),
  '2.x': keysFor('2.x'),
};

const MASTER_PORT_NAMES: readonly AlluxioPortName[] = ['masterRpc', 'masterWeb'];

/** The worker ports each generation's scheduler requested (2.x dropped the data port). */
function workerPortNames(spelling: PortKeySpelling): readonly AlluxioPortName[] {
  return spelling === '1.x' ? ['workerRpc', 'workerData', 'workerWeb'] : ['workerRpc', 'workerWeb'];
}

/** Alluxio's own defaults (1 cpu and 1024 MB each, a 1 GB ramdisk, one master, no role). */
export function defaultCheckPortsRequirements(spelling: PortKeySpelling = '1.x'): CheckPortsRequirements {
  return {
    role: '*',
    masterCount: 1,
    master: {
      ports: MASTER_PORT_NAMES.map((name) => ({ name, port: DEFAULT_PORTS[name] })),
      cpus: 1,
      memMb: 1024,
    },
    worker: {
      ports: workerPortNames(spelling).map((name) => ({ name, port: DEFAULT_PORTS[name] })),
      cpus: 1,
      overheadMemMb: 1024,
      ramdiskMb: 1024,
    },
    spelling,
  };
}

/** What one task really takes from an agent: its own size plus the command executor's. */
export interface TaskFootprint {
  readonly cpus: number;
  readonly memMb: number;
}

export function masterFootprint(req: CheckPortsRequirements): TaskFootprint {
  return {
    cpus: req.master.cpus + COMMAND_EXECUTOR_OVERHEAD.cpus,
    memMb: req.master.memMb + COMMAND_EXECUTOR_OVERHEAD.memMb,
  };
}

export function workerFootprint(req: CheckPortsRequirements): TaskFootprint {
  return {
    cpus: req.worker.cpus + COMMAND_EXECUTOR_OVERHEAD.cpus,
    memMb: req.worker.ramdiskMb + req.worker.overheadMemMb + COMMAND_EXECUTOR_OVERHEAD.memMb,
  };
}

/** Names a port for messages: `19998 (master rpc)`. */
export function describePort(port: NamedPort): string {
  return `${port.port} (${PORT_LABELS[port.name]})`;
}
