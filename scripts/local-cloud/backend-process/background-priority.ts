/**
 * Lets a process have only the CPU time others leave. Lowering the niceness was not enough: with the backend
 * at nice 10 (all its threads), a create burst at 100k tickets ran at 780-910 req/s, against 1,250-1,420 with
 * it on Linux's SCHED_IDLE policy and 1,270-1,350 with it stopped (one server, switched between runs); a
 * niced process still takes its share of each core for whole time slices, while one on SCHED_IDLE is
 * preempted as soon as anything else wants the core. `npm run bench:api` before and after this change
 * (3b10dd4, 2684053): POST 900 → 1,008 req/s at 20 connections, 839 → 1,330 at 50.
 */
import { execFileSync } from 'node:child_process';
import { setPriority } from 'node:os';

/**
 * Linux: every thread of `pid` takes the SCHED_IDLE policy (through util-linux's `chrt`; threads started
 * later inherit it, processes forked earlier keep theirs). Elsewhere, or without `chrt`: niceness 19, which
 * on Linux is the calling thread's alone. Returns which was applied.
 */
export function runInBackground(pid = process.pid): 'idle' | 'nice' {
  if (process.platform === 'linux') {
    try {
      execFileSync('chrt', ['--idle', '--all-tasks', '--pid', '0', String(pid)], { stdio: 'ignore' });
      return 'idle';
    } catch {
      // No chrt: fall back to niceness.
    }
  }
  setPriority(pid, 19);
  return 'nice';
}
