/** Small helpers shared by the benchmarks. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function heapUsedMiB(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export type Row = [measure: string, result: string];

export function printTable(title: string, rows: readonly Row[]): void {
  const width = Math.max(...rows.map(([m]) => m.length), 'measure'.length);
  console.log(`\n${title}\n| ${'measure'.padEnd(width)} | result |\n| ${'-'.repeat(width)} | ------ |`);
  for (const [measure, result] of rows) console.log(`| ${measure.padEnd(width)} | ${result} |`);
}
