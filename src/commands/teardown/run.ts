/** `alluxio-mesos teardown`: asks before it removes the framework (deploy --teardown does not). */
import type { CommandContext } from '../../context/context.js';
import type { ConnectionFlags } from '../../context/connection.js';
import { loadSite } from '../../context/site.js';
import { teardownFramework } from '../common/teardown-framework.js';

export async function runTeardown(ctx: CommandContext, flags: ConnectionFlags & { frameworkId?: string }): Promise<number> {
  return teardownFramework(ctx, flags, await loadSite(ctx.globals.confDir), { yes: false });
}
