/**
 * The Mesos master as the commands see it: version, agents, frameworks, tasks and state, each
 * from the newest API the master has (v1 operator API from 1.0) and otherwise from the state
 * JSON endpoints under the names this version uses.
 */
import type { OperatorCallType } from '../protocol/types.js';
import { OperationError } from '../../shared/errors.js';
import { agentsFromGetAgents, agentsFromStateJson, type AgentRecord } from './agents.js';
import { frameworksFromGetFrameworks, frameworksFromStateJson, type FrameworkRecord } from './frameworks.js';
import type { HttpResponse, HttpTransport } from './http.js';
import { asRecord, optionalString, type JsonRecord } from './json-shape.js';
import { MesosHttpError, parseJsonBody } from './responses.js';
import { STATE_ANSWER_BYTES, VERSION_ANSWER_BYTES } from './answer-limits.js';
import { tasksFromGetTasks, tasksFromStateJson, type TaskRecord } from './tasks.js';
import { endpointNames, mesosFeatures, parseMesosVersion, type EndpointNames, type MesosFeatures, type MesosVersion } from './version.js';

type VersionSource = 'GET_VERSION' | '/version' | '/master/state' | '/master/state.json';

export interface VersionReport {
  version: MesosVersion;
  /** Which probe answered. */
  source: VersionSource;
  gitSha: string | undefined;
  buildDate: string | undefined;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** Statuses that mean "this master does not have that endpoint or call": try the older way. */
const NOT_THERE = new Set([400, 404, 405, 406, 415, 501]);

export class MesosMasterClient {
  readonly transport: HttpTransport;
  private versionReport: VersionReport | undefined;

  constructor(transport: HttpTransport, knownVersion?: VersionReport) {
    this.transport = transport;
    this.versionReport = knownVersion;
  }

  /** Where requests go now (the leader, once a redirect has been followed). */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** GET_VERSION, then `/version`, then the `version` field of the state. Cached. */
  async getVersion(options: RequestOptions = {}): Promise<VersionReport> {
    this.versionReport ??= await this.probeVersion(options);
    return this.versionReport;
  }

  async features(options: RequestOptions = {}): Promise<MesosFeatures> {
    return mesosFeatures((await this.getVersion(options)).version);
  }

  async endpoints(options: RequestOptions = {}): Promise<EndpointNames> {
    return endpointNames((await this.getVersion(options)).version);
  }

  async getAgents(options: RequestOptions = {}): Promise<AgentRecord[]> {
    const names = await this.endpoints(options);
    if (names.master.operatorApi !== undefined) {
      const answer = await this.tryOperatorCall('GET_AGENTS', options);
      if (answer !== undefined) return agentsFromGetAgents(answer.json, answer.where);
    }
    const { json, where } = await this.getFirstJson([names.master.slaves, names.master.state], options);
    return agentsFromStateJson(json, where);
  }

  async getFrameworks(options: RequestOptions = {}): Promise<FrameworkRecord[]> {
    const names = await this.endpoints(options);
    if (names.master.operatorApi !== undefined) {
      const answer = await this.tryOperatorCall('GET_FRAMEWORKS', options);
      if (answer !== undefined) return frameworksFromGetFrameworks(answer.json, answer.where);
    }
    const { json, where } = await this.getFirstJson([names.master.frameworks, names.master.state], options);
    return frameworksFromStateJson(json, where);
  }

  /**
   * Every task the master knows, including completed ones. The legacy path reads the state: its
   * `/master/tasks` pages at 100 tasks by default.
   */
  async getTasks(options: RequestOptions = {}): Promise<TaskRecord[]> {
    const names = await this.endpoints(options);
    if (names.master.operatorApi !== undefined) {
      const answer = await this.tryOperatorCall('GET_TASKS', options);
      if (answer !== undefined) return tasksFromGetTasks(answer.json, answer.where);
    }
    const { json, where } = await this.getFirstJson([names.master.state], options);
    return tasksFromStateJson(json, where);
  }

  /** The master's state JSON as it is (`/master/state` or `/master/state.json`). */
  async getState(options: RequestOptions = {}): Promise<JsonRecord> {
    const names = await this.endpoints(options);
    const { json, where } = await this.getFirstJson([names.master.state], options);
    return asRecord(json, where);
  }

  /** `POST /api/v1 {"type": type, ...fields}`; any status but 200 is a MesosHttpError. */
  async operatorCall(type: OperatorCallType, fields: JsonRecord = {}, options: RequestOptions = {}): Promise<JsonRecord> {
    const response = await this.postOperator(type, fields, options);
    if (response.status !== 200) throw new MesosHttpError(response);
    return asRecord(parseJsonBody(response), `${response.url} (${type})`);
  }

  /** GET `path` and parse its JSON; any status but 200 is a MesosHttpError. */
  async getJson(path: string, options: RequestOptions = {}): Promise<unknown> {
    const response = await this.get(path, options);
    if (response.status !== 200) throw new MesosHttpError(response);
    return parseJsonBody(response);
  }

  private async probeVersion(options: RequestOptions): Promise<VersionReport> {
    const tried: string[] = [];

    const operator = await this.postOperator('GET_VERSION', {}, options, VERSION_ANSWER_BYTES);
    if (operator.status === 200) {
      const where = `${operator.url} (GET_VERSION)`;
      const root = asRecord(parseJsonBody(operator), where);
      const info = asRecord(asRecord(root.get_version, `${where}: get_version`).version_info, `${where}: get_version.version_info`);
      return report(info, 'GET_VERSION', where);
    }
    tried.push(`POST /api/v1 GET_VERSION (${operator.status})`);
    if (!NOT_THERE.has(operator.status)) throw new MesosHttpError(operator);

    const version = await this.get('/version', options, VERSION_ANSWER_BYTES);
    if (version.status === 200) return report(asRecord(parseJsonBody(version), version.url), '/version', version.url);
    tried.push(`GET /version (${version.status})`);
    if (!NOT_THERE.has(version.status)) throw new MesosHttpError(version);

    // Only masters older than 0.26 get here, so the .json name is the likely one.
    for (const path of ['/master/state.json', '/master/state'] as const) {
      const state = await this.get(path, options);
      if (state.status === 200) return report(asRecord(parseJsonBody(state), state.url), path, `${state.url}: version`);
      tried.push(`GET ${path} (${state.status})`);
      if (!NOT_THERE.has(state.status)) throw new MesosHttpError(state);
    }
    throw new OperationError(`${this.baseUrl} does not tell its Mesos version: tried ${tried.join(', ')}`, {
      hint: 'is --master pointing at a Mesos master?',
    });
  }

  /** The operator call's JSON, or undefined when this master does not have the call. */
  private async tryOperatorCall(type: OperatorCallType, options: RequestOptions): Promise<{ json: unknown; where: string } | undefined> {
    const response = await this.postOperator(type, {}, options);
    if (response.status === 200) return { json: parseJsonBody(response), where: `${response.url} (${type})` };
    if (NOT_THERE.has(response.status)) return undefined;
    throw new MesosHttpError(response);
  }

  /** The first of `paths` that exists (a 404 moves on to the next). */
  private async getFirstJson(paths: readonly string[], options: RequestOptions): Promise<{ json: unknown; where: string }> {
    let last: HttpResponse | undefined;
    for (const path of paths) {
      const response = await this.get(path, options);
      if (response.status === 200) return { json: parseJsonBody(response), where: response.url };
      if (response.status !== 404) throw new MesosHttpError(response);
      last = response;
    }
    if (last === undefined) throw new OperationError('no endpoint to ask');
    throw new MesosHttpError(last, { hint: `tried ${paths.join(', ')}; is this master older than Mesos 0.23?` });
  }

  /** Everything but the version is read as a state document (see answer-limits.ts). */
  private get(path: string, options: RequestOptions, maxBodyBytes = STATE_ANSWER_BYTES): Promise<HttpResponse> {
    return this.transport.request({ method: 'GET', path, headers: { Accept: 'application/json' }, signal: options.signal, maxBodyBytes });
  }

  private postOperator(
    type: OperatorCallType,
    fields: JsonRecord,
    options: RequestOptions,
    maxBodyBytes = STATE_ANSWER_BYTES,
  ): Promise<HttpResponse> {
    return this.transport.request({
      method: 'POST',
      path: '/api/v1',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ ...fields, type }),
      signal: options.signal,
      maxBodyBytes,
    });
  }
}

function report(info: JsonRecord, source: VersionSource, where: string): VersionReport {
  return {
    version: parseMesosVersion(info.version, where),
    source,
    gitSha: optionalString(info.git_sha, `${where}.git_sha`),
    buildDate: optionalString(info.build_date, `${where}.build_date`),
  };
}
