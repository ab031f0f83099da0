import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bitrateLadder } from '../src/services/remix/bitrate.ts';
import { RemixCancelledError } from '../src/services/remix/errors.ts';
import { checkGain } from '../src/services/remix/gain.ts';
import { createDemucsProgress } from '../src/services/remix/progress-parser.ts';
import { createJobQueue } from '../src/services/remix/queue.ts';
import type { JobUpdate } from '../src/services/remix/queue.ts';
import { createStemCache, stemKey } from '../src/services/remix/stem-cache.ts';
import { captureLogger } from './helpers/logs.ts';

const MiB = 1024 ** 2;

describe('demucs progress from stderr', () => {
  it('reads tqdm bars split by \\r, counts the bag of 4 models, and ignores the weights download', () => {
    const progress = createDemucsProgress();
    progress.stdout('Selected model is a bag of 4 models. You will see that many progress bars per track.\n');
    const seen: number[] = [];
    const bar = (pct: number, done: string) =>
      `\r${String(pct).padStart(3)}%|██▌      | ${done}/1977.3 [00:01<00:03, 578.05seconds/s]`;
    const feed = (text: string) => {
      const value = progress.stderr(text);
      if (value !== undefined) seen.push(value);
    };
    feed('Downloading: "https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/f7e0c4bc-ba3fe64a.th"\n');
    feed(
      '\r 50%|█████     | 40.1M/80.2M [00:01<00:01, 40.0MB/s]\r100%|██████████| 80.2M/80.2M [00:02<00:00]\n',
    );
    expect(seen).toEqual([]);
    // Bars of one sub-model; a chunk may end in the middle of a bar, the rest comes next.
    feed(bar(0, '0.0'));
    feed(bar(50, '988.6') + bar(100, '1854.4499999999998').slice(0, 20));
    feed(bar(100, '1854.4499999999998').slice(20) + '\n');
    for (const [pct, done] of [
      [0, '0.0'],
      [50, '988.6'],
      [100, '1977.3'],
    ] as const)
      feed(bar(pct, done));
    feed('\n' + bar(3, '58.5'));
    feed(bar(100, '1977.3') + '\n' + bar(0, '0') + bar(100, '1977.3') + '\n');
    expect(seen).toEqual([0, 0.125, 0.25, 0.375, 0.5, 0.5075, 1]);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('treats a single model as one bar', () => {
    const progress = createDemucsProgress();
    progress.stdout('Separated tracks will be stored in /x/htdemucs\n');
    expect(progress.stderr('\r 40%|███ | 4/10 [00:01<00:01, 5.85seconds/s]\r')).toBe(0.4);
    // Slower than real time, tqdm shows the inverse rate.
    expect(progress.stderr('\r 60%|████ | 6/10 [00:09<00:06,  2.31s/seconds]')).toBe(0.6);
  });
});

describe('upload size ladder', () => {
  it('starts at 320 kbps when it fits and steps down for longer tracks', () => {
    expect(bitrateLadder(240, 10 * MiB)[0]).toBe(320);
    expect(bitrateLadder(5 * 60 + 30, 10 * MiB)[0]).toBe(224);
    expect(bitrateLadder(10 * 60, 10 * MiB)).toEqual([128]);
    expect(bitrateLadder(12 * 60, 10 * MiB)).toEqual([]);
    expect(bitrateLadder(12 * 60, 50 * MiB)[0]).toBe(320);
  });
});

describe('gain bounds', () => {
  it('uses the defaults and accepts a reduce typed either way', () => {
    expect(checkGain('boost', undefined)).toBe(4);
    expect(checkGain('reduce', undefined)).toBe(-60);
    expect(checkGain('reduce', 30)).toBe(-30);
    expect(checkGain('reduce', -30)).toBe(-30);
    expect(checkGain('boost', 6.5)).toBe(6.5);
  });

  it('refuses values outside the bounds with a clear message', () => {
    expect(() => checkGain('boost', 20)).toThrow(/from \+1 to \+12 dB/);
    expect(() => checkGain('boost', -3)).toThrow(/use `reduce`/);
    expect(() => checkGain('reduce', 90)).toThrow(/from 1 to 60 dB/);
    expect(() => checkGain('reduce', 0)).toThrow(/from 1 to 60 dB/);
  });
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('separation queue', () => {
  it('runs one job at a time, merges identical requests and tells waiting users their position', async () => {
    const queue = createJobQueue<string>({ concurrency: 1, maxWaiting: 5 });
    const gates = { a: deferred<string>(), b: deferred<string>() };
    const started: string[] = [];
    const work = (name: 'a' | 'b') => async () => {
      started.push(name);
      return gates[name].promise;
    };
    const updates: JobUpdate[] = [];
    const first = queue.submit('a', 'u1', work('a'), () => undefined);
    const second = queue.submit('b', 'u2', work('b'), (u) => updates.push(u));
    const merged = queue.submit('a', 'u3', work('a'), () => undefined);
    expect(merged.jobId).toBe(first.jobId);
    expect(started).toEqual(['a']);
    expect(updates).toContainEqual({ phase: 'queued', position: 1 });
    gates.a.resolve('stems-a');
    expect(await first.result).toBe('stems-a');
    expect(await merged.result).toBe('stems-a');
    gates.b.resolve('stems-b');
    expect(await second.result).toBe('stems-b');
    expect(started).toEqual(['a', 'b']);
  });

  it('allows one waiting job per user and caps the queue', () => {
    const queue = createJobQueue<string>({ concurrency: 1, maxWaiting: 2 });
    const never = () => new Promise<string>(() => undefined);
    queue.submit('running', 'u1', never, () => undefined);
    queue.submit('w1', 'u1', never, () => undefined);
    expect(() => queue.submit('w2', 'u1', never, () => undefined)).toThrow(/already have a remix waiting/);
    queue.submit('w2', 'u2', never, () => undefined);
    expect(() => queue.submit('w3', 'u3', never, () => undefined)).toThrow(/queue is full \(2 waiting\)/);
  });

  it('stops a running job when its only requester cancels, but not while someone else still waits for it', async () => {
    const queue = createJobQueue<string>({ concurrency: 1, maxWaiting: 5 });
    let signal: AbortSignal | undefined;
    const work = (s: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        signal = s;
        s.addEventListener('abort', () => reject(s.reason));
      });
    const mine = queue.submit('k', 'u1', work, () => undefined);
    const theirs = queue.submit('k', 'u2', work, () => undefined);
    expect(queue.cancel(mine.jobId, 'u3')).toBe('not-yours');
    expect(queue.cancel(mine.jobId, 'u1')).toBe('cancelled');
    await expect(mine.result).rejects.toBeInstanceOf(RemixCancelledError);
    expect(signal?.aborted).toBe(false);
    expect(queue.cancel(theirs.jobId, 'u2')).toBe('cancelled');
    await expect(theirs.result).rejects.toBeInstanceOf(RemixCancelledError);
    expect(signal?.aborted).toBe(true);
    expect(queue.cancel(theirs.jobId, 'u2')).toBe('unknown');
  });
});

describe('stem cache', () => {
  const source = {
    ratingKey: '1',
    partId: '2',
    partKey: '/library/parts/2/1600000000/file.flac',
    partSize: 1000,
    model: 'htdemucs_ft',
    extraArgs: [],
    headroomDb: 6,
  };

  it('keys on the file and the model: a replaced file or another model misses', () => {
    const key = stemKey(source);
    expect(stemKey({ ...source })).toBe(key);
    expect(stemKey({ ...source, partKey: '/library/parts/2/1700000000/file.flac' })).not.toBe(key);
    expect(stemKey({ ...source, model: 'htdemucs' })).not.toBe(key);
  });

  it('stores atomically, evicts the least recently used above the cap, and sweeps crash leftovers', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stems-'));
    const cache = createStemCache({ root, maxBytes: 2500, logger: captureLogger([]).logger });
    const write = (size: number) => async (files: Record<string, string>) => {
      for (const file of Object.values(files)) await writeFile(file, Buffer.alloc(size / 4));
    };
    await cache.put('old', write(1000), {});
    await new Promise((r) => setTimeout(r, 20));
    await cache.put('used', write(1000), {});
    await new Promise((r) => setTimeout(r, 20));
    expect(await cache.get('old')).not.toBeNull(); // now the most recently used
    await new Promise((r) => setTimeout(r, 20));
    await cache.put('new', write(1000), {});
    expect(await cache.get('used')).toBeNull();
    expect(await cache.get('old')).not.toBeNull();
    expect(await cache.get('new')).not.toBeNull();

    await mkdir(join(root, 'abc.tmp-1234'));
    await cache.sweep();
    expect((await readdir(root)).sort()).toEqual(['new', 'old']);
  });

  it('never keeps a half entry when writing fails', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stems-'));
    const cache = createStemCache({ root, maxBytes: 1e9, logger: captureLogger([]).logger });
    await expect(cache.put('k', async () => Promise.reject(new Error('ffmpeg died')), {})).rejects.toThrow(
      'ffmpeg died',
    );
    expect(await readdir(root)).toEqual([]);
    expect(await cache.get('k')).toBeNull();
  });
});
