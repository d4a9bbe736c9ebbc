/** Whether a process of this host exists, for judging what a process left behind (locks, temporary files). */

/** Signal 0 checks existence only; EPERM means it exists but belongs to another user. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
