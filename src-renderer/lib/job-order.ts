// The order of the Jobs panel, a pure function (unit-tested without a browser).

import type { JobView } from '../../src-preload/contract.js';

/**
 * The jobs as the panel lists them: running, then queued in the order they will run (oldest
 * first), then finished ones newest first. Jobs queued in the same millisecond (a batch) keep the
 * order they were queued in; it was reversed or not as the clock's milliseconds fell.
 */
export function orderedForPanel(jobs: readonly JobView[]): JobView[] {
  const rank = { running: 0, queued: 1, failed: 2, cancelled: 2, done: 2 } as const;
  return jobs
    .map((job, arrival) => ({ job, arrival }))
    .sort((a, b) => {
      const byRank = rank[a.job.state] - rank[b.job.state];
      if (byRank !== 0) return byRank;
      const older = a.job.queuedAt - b.job.queuedAt || a.arrival - b.arrival;
      return a.job.state === 'queued' ? older : -older;
    })
    .map(({ job }) => job);
}
