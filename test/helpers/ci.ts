/**
 * Tests that need a tool from the system (ZooKeeper, systemd-analyze): outside CI a missing tool
 * skips them with a warning that cannot be missed; in CI (CI set) it fails them, because `.ci/run`
 * installs every such tool and a skip there would hide a broken set-up.
 */
import { describe } from 'vitest';

export type Availability = { available: true } | { available: false; reason: string };

function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** `describe` when `availability` says the tool is here; otherwise a failing (CI) or skipped suite. */
export function describeRequiring(name: string, tool: string, availability: Availability, body: () => void): void {
  if (availability.available) {
    describe(name, body);
    return;
  }
  if (inCi()) {
    describe(name, () => {
      throw new Error(`${tool} is required in CI but missing: ${availability.reason}`);
    });
    return;
  }
  const line = '!'.repeat(78);
  console.warn(`\n${line}\n!! SKIPPED "${name}": ${tool} is not available.\n!! ${availability.reason}\n${line}\n`);
  describe.skip(name, body);
}
