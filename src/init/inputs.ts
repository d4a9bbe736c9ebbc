/** What `init` can be told up front (one field per flag); whatever is missing, the wizard asks. */
export interface InitInputs {
  jarUrl?: string;
  alluxioHome?: string;
  jdkUrl?: string;
  jdkPath?: string;
  masterCount?: string;
  masterHost?: string;
  /** Leader election for several masters: zookeeper or embedded. */
  ha?: string;
  zookeeperAddress?: string;
  journalFolder?: string;
  embeddedJournalAddresses?: string;
  /** Old spellings of --master-count and --master-host, hidden. */
  masters?: string;
  alluxioMaster?: string;
  masterCpus?: string;
  masterMem?: string;
  workerCpus?: string;
  workerMem?: string;
  workerMemorySize?: string;
  masterPort?: string;
  masterWebPort?: string;
  workerPort?: string;
  workerDataPort?: string;
  workerWebPort?: string;
  portKeys?: string;
  role?: string;
  principal?: string;
  secretFile?: string;
  storeSecret?: boolean;
  user?: string;
  underfsAddress?: string;
  maxWorkers?: string;
  /** `zk://...` or `file`: where deploy keeps the scheduler state (saved in the CLI settings). */
  state?: string;
  /** Also write a service file for the scheduler, from the settings as saved. */
  writeService?: string;
  serviceFile?: string;
  force?: boolean;
  dryRun?: boolean;
}
