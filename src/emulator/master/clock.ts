/**
 * Time as the master sees it: the shared clock's `now` and callback timers. Injected so that
 * allocator filters, failover timeouts and agent liveness can be driven by tests without sleeping.
 */
import type { Clock, Timers } from '../../shared/clock.js';

export type MasterClock = Pick<Clock, 'now'> & Timers;
