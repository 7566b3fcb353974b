// Whether a process runs, for files named after the process that made them (a job's temporary
// output, a log file claimed while it is gzipped): those of a process that ended are leftovers.

/** Whether a process with this id runs now (one of another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
