/** Which Alluxio generation (1.x or 2.x) a site file is written for, as its own key names show. */
import type { PortSpelling } from './catalog.js';
import type { PropertiesDocument } from './properties.js';

const TWO_X_ONLY = ['alluxio.master.rpc.port', 'alluxio.worker.rpc.port'];
const ONE_X_ONLY = ['alluxio.master.port', 'alluxio.worker.port', 'alluxio.worker.data.port'];

/** The generation the file's port keys, then its under-storage key, show; undefined when it uses none that differ. */
export function writtenSpelling(doc: PropertiesDocument): PortSpelling | undefined {
  if (TWO_X_ONLY.some((key) => doc.has(key))) return '2.x';
  if (ONE_X_ONLY.some((key) => doc.has(key))) return '1.x';
  if (doc.has('alluxio.master.mount.table.root.ufs')) return '2.x';
  if (doc.has('alluxio.underfs.address')) return '1.x';
  return undefined;
}
