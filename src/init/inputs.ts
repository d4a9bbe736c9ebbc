/** What `init` can be told up front (one field per flag); whatever is missing, the wizard asks. */
export interface InitInputs {
  jarUrl?: string;
  alluxioHome?: string;
  jdkUrl?: string;
  jdkPath?: string;
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
  state?: string;
  force?: boolean;
  dryRun?: boolean;
}
