// One job through a JobClient, for the benchmarks that run jobs as the app does (create.js,
// read.js): enqueued, and awaited to its end.

/**
 * Enqueues `request` on `client`; resolves with the 'done' event's result, rejects with the
 * job's error where it failed. `heard`, if given, hears each of the job's events first.
 */
export function runJob(client, request, heard) {
  return new Promise((resolve, reject) => {
    let id;
    const off = client.onEvent((event) => {
      if (event.jobId !== id) return;
      heard?.(event);
      if (event.type !== 'done' && event.type !== 'failed') return;
      off();
      if (event.type === 'done') resolve(event.result);
      else reject(new Error(event.error.message));
    });
    [id] = client.enqueue(request);
  });
}
