/** `alluxio-mesos teardown`: asks before it removes the framework (deploy --teardown does not). */
import type { CommandContext } from '../../context/context.js';
import { loadSite } from '../../context/site.js';
import { teardownFramework, type TeardownFlags } from '../common/teardown-framework.js';

export async function runTeardown(ctx: CommandContext, flags: TeardownFlags): Promise<number> {
  return teardownFramework(ctx, flags, await loadSite(ctx.globals.confDir), { yes: false });
}
