/**
 * Transports to Mesos agents (their `/files` and `/state` APIs) with the master's credentials and
 * TLS settings, each closed with the others when the command is done.
 */
import type { ConnectionFlags } from '../../context/connection.js';
import type { GlobalOptions } from '../../context/context.js';
import type { Credentials } from '../../mesos/client/credentials.js';
import { HttpTransport } from '../../mesos/client/http.js';

/** An agent that refuses connections is usually gone: do not spend the master's whole timeout on it. */
const AGENT_TIMEOUT_MS = 5_000;

export interface AgentTransports {
  open(baseUrl: string): HttpTransport;
  closeAll(): void;
}

export function agentTransports(globals: GlobalOptions, flags: ConnectionFlags, credentials: Credentials | undefined): AgentTransports {
  const opened: HttpTransport[] = [];
  return {
    open(baseUrl) {
      const transport = new HttpTransport({
        baseUrl,
        timeoutMs: Math.min(globals.timeoutMs, AGENT_TIMEOUT_MS),
        credentials,
        caFile: flags.caFile,
        insecure: flags.insecure,
      });
      opened.push(transport);
      return transport;
    },
    closeAll() {
      for (const transport of opened.splice(0)) transport.close();
    },
  };
}
