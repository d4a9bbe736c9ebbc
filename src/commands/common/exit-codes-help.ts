/** The exit codes as printed at the end of every `--help`; kept beside ExitCode's values. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    a check failed or the operation failed
  2    usage error or invalid input (flags, configuration)
  3    Mesos or ZooKeeper unreachable, or credentials rejected
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM); a foreground deploy and local-cluster stop cleanly with 0`;
