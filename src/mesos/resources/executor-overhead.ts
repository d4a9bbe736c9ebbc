/**
 * Mesos' command executor runs beside every command task and is accounted on the agent: a task of
 * cpus 0.1 / mem 32 shows up as executor resources cpus 0.2 / mem 64 (see the recorded transcripts).
 */
export const COMMAND_EXECUTOR_OVERHEAD = { cpus: 0.1, memMb: 32 } as const;
