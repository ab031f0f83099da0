/**
 * At most `size` holders at once; the others wait in order. A waiter whose signal fires leaves the line
 * with the signal's reason. (Mixing is short, so a plain FIFO is enough: no priorities, no timeouts.)
 */
export function createLimit(size: number) {
  let active = 0;
  const line: Array<() => void> = [];

  function release(): void {
    active -= 1;
    const next = line.shift();
    if (next) next();
  }

  return {
    async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (active >= size) {
        await new Promise<void>((resolve, reject) => {
          const enter = () => {
            signal?.removeEventListener('abort', leave);
            resolve();
          };
          const leave = () => {
            line.splice(line.indexOf(enter), 1);
            reject(signal?.reason);
          };
          if (signal?.aborted) return reject(signal.reason);
          signal?.addEventListener('abort', leave, { once: true });
          line.push(enter);
        });
      } else if (signal?.aborted) throw signal.reason;
      active += 1;
      try {
        return await work();
      } finally {
        release();
      }
    },
    stats: () => ({ active, waiting: line.length }),
  };
}
