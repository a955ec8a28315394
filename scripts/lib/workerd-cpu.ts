// CPU time of the workerd processes a wrangler process started (Linux /proc; null elsewhere):
// user + system time of every workerd process beneath `root`, all threads included.
import { existsSync, readFileSync, readdirSync } from "node:fs";

/** Kernel clock ticks per second for /proc times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

export function workerdCpuMs(root: number | undefined): number | null {
  if (root === undefined || !existsSync("/proc/self/stat")) return null;
  const parent = new Map<number, number>();
  const workerd = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(d), Number(fields[1]));
      if (comm.startsWith("workerd")) workerd.set(Number(d), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  const beneath = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = parent.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, t] of workerd) if (beneath(pid)) ticks += t;
  return (ticks * 1000) / USER_HZ;
}
