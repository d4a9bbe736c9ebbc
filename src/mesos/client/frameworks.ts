/**
 * One framework shape from GET_FRAMEWORKS (1.0+) and from state JSON (`frameworks` and
 * `completed_frameworks` of `/master/state`, `/master/frameworks`, their `.json` forms).
 */
import {
  asArray,
  asRecord,
  asString,
  idValue,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalSeconds,
  optionalString,
  type JsonRecord,
} from './json-shape.js';

export interface FrameworkRecord {
  frameworkId: string;
  name: string;
  user: string | undefined;
  /** `roles` of a MULTI_ROLE framework, else its single `role`. */
  roles: string[];
  principal: string | undefined;
  hostname: string | undefined;
  webuiUrl: string | undefined;
  active: boolean;
  /** Undefined on masters that do not report it. */
  connected: boolean | undefined;
  /** Torn down (from `completed_frameworks`). */
  completed: boolean;
  failoverTimeoutSeconds: number | undefined;
  /** Seconds since the epoch. */
  registeredTime: number | undefined;
}

export function frameworksFromGetFrameworks(json: unknown, where: string): FrameworkRecord[] {
  const body = asRecord(asRecord(json, where).get_frameworks, `${where}: get_frameworks`);
  const list = (key: 'frameworks' | 'completed_frameworks', completed: boolean): FrameworkRecord[] =>
    optionalArray(body[key], `${where}: get_frameworks.${key}`).map((value, i) => {
      const at = `${where}: get_frameworks.${key}[${i}]`;
      const framework = asRecord(value, at);
      const info = asRecord(framework.framework_info, `${at}.framework_info`);
      return {
        ...fromInfo(info, `${at}.framework_info`, idValue(info.id, `${at}.framework_info.id`)),
        active: optionalBoolean(framework.active, `${at}.active`) ?? false,
        connected: optionalBoolean(framework.connected, `${at}.connected`),
        completed,
        registeredTime: optionalSeconds(framework.registered_time, `${at}.registered_time`),
      };
    });
  return [...list('frameworks', false), ...list('completed_frameworks', true)];
}

export function frameworksFromStateJson(json: unknown, where: string): FrameworkRecord[] {
  const root = asRecord(json, where);
  const list = (key: 'frameworks' | 'completed_frameworks', completed: boolean): FrameworkRecord[] =>
    (key === 'frameworks' ? asArray(root[key], `${where}: ${key}`) : optionalArray(root[key], `${where}: ${key}`)).map((value, i) => {
      const at = `${where}: ${key}[${i}]`;
      const framework = asRecord(value, at);
      return {
        ...fromInfo(framework, at, asString(framework.id, `${at}.id`)),
        active: optionalBoolean(framework.active, `${at}.active`) ?? false,
        connected: optionalBoolean(framework.connected, `${at}.connected`),
        completed,
        registeredTime: optionalSeconds(framework.registered_time, `${at}.registered_time`),
      };
    });
  return [...list('frameworks', false), ...list('completed_frameworks', true)];
}

function fromInfo(
  info: JsonRecord,
  at: string,
  frameworkId: string,
): Pick<FrameworkRecord, 'frameworkId' | 'name' | 'user' | 'roles' | 'principal' | 'hostname' | 'webuiUrl' | 'failoverTimeoutSeconds'> {
  const roles = optionalArray(info.roles, `${at}.roles`).map((role, i) => asString(role, `${at}.roles[${i}]`));
  const role = optionalString(info.role, `${at}.role`);
  return {
    frameworkId,
    name: asString(info.name, `${at}.name`),
    user: optionalString(info.user, `${at}.user`),
    roles: roles.length > 0 ? roles : [role ?? '*'],
    principal: optionalString(info.principal, `${at}.principal`),
    hostname: optionalString(info.hostname, `${at}.hostname`),
    webuiUrl: optionalString(info.webui_url, `${at}.webui_url`),
    failoverTimeoutSeconds: optionalNumber(info.failover_timeout, `${at}.failover_timeout`),
  };
}
