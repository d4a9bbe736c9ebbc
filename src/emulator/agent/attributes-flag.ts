/** The agent's `--attributes` flag (`rack:r1;zone:2`), as name/value pairs. */
import { ConfigError } from '../../shared/errors.js';

export interface AgentAttribute {
  name: string;
  value: string;
}

export function parseAttributesFlag(attributes: string | ReadonlyArray<AgentAttribute> | undefined): AgentAttribute[] {
  if (attributes === undefined) return [];
  if (typeof attributes !== 'string') return attributes.map(({ name, value }) => ({ name, value }));
  return attributes
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) throw new ConfigError(`Invalid attribute '${entry}': expected 'name:value'.`, { key: 'attributes' });
      return { name: entry.slice(0, colon).trim(), value: entry.slice(colon + 1).trim() };
    });
}
