/**
 * The `check-ports` result document. `--json` prints it as is, so the field names are a contract
 * with scripts: add fields, never rename or remove them (bump `schemaVersion` if that ever must
 * happen).
 *
 * - `master`: the Mesos master and whether its version passes (`reasons` when not).
 * - `agents[]`: one record per agent, active or not, by hostname (natural order). Inactive
 *   agents are reported with `active: false` but never counted or placed.
 * - `warnings`: non-fatal findings about agents (versions below the floor, ...).
 * - `summary`: counts over active agents.
 * - `verdict.ok`: what the exit status follows (0 when true, 1 when false).
 * - `fixes.resourcesFlags[]`: Fix 1, agent restart flags grouped by identical flag.
 * - `fixes.suggestedPorts`: Fix 2, present only when asked for.
 */
import type { AlluxioPortName, PortKeySpelling } from './requirements.js';

export interface TaskVerdict {
  readonly ok: boolean;
  /** Why not, one sentence each; empty when ok. */
  readonly reasons: readonly string[];
}

export interface AgentVerdict {
  readonly hostname: string;
  readonly agentId: string;
  /** Mesos version the agent reported; null when it did not say. */
  readonly version: string | null;
  readonly active: boolean;
  readonly master: TaskVerdict;
  readonly worker: TaskVerdict;
  /** A master and a worker fit on this agent at the same time. */
  readonly masterAndWorker: boolean;
  /** cpus / MB usable by the framework's role and not allocated to any task. */
  readonly free: { readonly cpus: number; readonly memMb: number };
  readonly ports: {
    /** Ranges usable by the role (unreserved + reserved for it), e.g. "[19998-19999,31000-32000]". */
    readonly usable: string;
    /** Ranges allocated to running tasks and executors. */
    readonly inUse: string;
  };
  /** Needed Alluxio ports the agent does not advertise at all (what Fix 1 adds). */
  readonly missingPorts: readonly number[];
  /** Information that does not change the verdict (e.g. ports currently held in an offer). */
  readonly notes: readonly string[];
}

export interface CheckPortsSummary {
  /** Agents listed by the master, active or not. */
  readonly agents: number;
  readonly active: number;
  readonly inactive: number;
  readonly canRunMaster: number;
  readonly canRunWorker: number;
  /** Active agents older than the version floor. */
  readonly belowVersionFloor: number;
  /** Workers that fit once the masters are placed (one per agent). */
  readonly placeableWorkers: number;
  /** "12 of 14 agents can run a worker; 3 can run the master". */
  readonly line: string;
}

export interface Placement {
  /** Hostnames chosen for the masters, when enough agents can run one. */
  readonly masters: readonly string[];
  /** Hostnames that can take a worker alongside that master choice. */
  readonly workers: readonly string[];
}

interface CheckPortsVerdict {
  readonly ok: boolean;
  readonly strict: boolean;
  readonly reasons: readonly string[];
  readonly placement: Placement;
}

export interface ResourcesFlagFix {
  /** Hostnames of the agents that need exactly this flag. */
  readonly agents: readonly string[];
  /** `mesos-agent` (1.0+) or `mesos-slave` (older); by the oldest agent in the group. */
  readonly binary: 'mesos-agent' | 'mesos-slave';
  /** The value of `--resources`, e.g. "cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]". */
  readonly resources: string;
  /** `--resources='...'`, ready to paste after the binary. */
  readonly flag: string;
  /** `MESOS_RESOURCES='...'`, the environment form. */
  readonly env: string;
  /** Restart caveat for this group's versions. */
  readonly restartNote: string;
}

export interface SuggestedPortChoice {
  readonly name: AlluxioPortName;
  readonly key: string;
  readonly port: number;
}

export interface PortSuggestionGroup {
  /** Empty when nothing can be suggested (see `message`). */
  readonly ports: readonly SuggestedPortChoice[];
  /** How many eligible agents have every one of these ports offered to the role and unused. */
  readonly agentsCovered: number;
  /** Agents that could host this kind of task by size (the most the ports could cover). */
  readonly agentsEligible: number;
  /** How many covered agents are needed (masterCount for masters, 1 for workers). */
  readonly agentsNeeded: number;
  readonly adjacent: boolean;
  readonly ok: boolean;
  /** Why nothing (or too little) could be suggested. */
  readonly message?: string;
}

export interface PortSuggestion {
  readonly spelling: PortKeySpelling;
  readonly master: PortSuggestionGroup;
  readonly worker: PortSuggestionGroup;
  /** `key=value` lines for alluxio-site.properties, master first. */
  readonly properties: readonly string[];
  readonly ok: boolean;
}

interface CheckPortsFixes {
  readonly resourcesFlags: readonly ResourcesFlagFix[];
  readonly warnings: readonly string[];
  readonly suggestedPorts?: PortSuggestion;
}

/** A task of this deployment and the ports it holds on its agent. */
export interface HeldByDeployment {
  readonly hostname: string;
  readonly alias: string;
  readonly ports: readonly number[];
}

export interface CheckPortsReport {
  readonly schemaVersion: 1;
  readonly master: {
    readonly address: string;
    readonly version: string | null;
    readonly ok: boolean;
    readonly reasons: readonly string[];
    readonly warnings: readonly string[];
  };
  /** The needs the agents were checked against, executor overhead included. */
  readonly requirements: {
    readonly role: string;
    readonly masterCount: number;
    readonly master: { readonly ports: readonly number[]; readonly cpus: number; readonly memMb: number };
    readonly worker: { readonly ports: readonly number[]; readonly cpus: number; readonly memMb: number };
  };
  readonly agents: readonly AgentVerdict[];
  /** Non-fatal findings about agents (e.g. agents below the version floor, which are not placed). */
  readonly warnings: readonly string[];
  readonly summary: CheckPortsSummary;
  readonly verdict: CheckPortsVerdict;
  readonly fixes: CheckPortsFixes;
  /** Ports this deployment's own running tasks hold: counted as the deployment's, not as taken. */
  readonly heldByDeployment: readonly HeldByDeployment[];
}
