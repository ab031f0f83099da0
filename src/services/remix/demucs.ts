import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { UserFacingError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { RemixCancelledError } from './errors.ts';
import { createDemucsProgress } from './progress-parser.ts';
import { STEMS } from './stems.ts';
import type { Stem } from './stems.ts';

export interface DemucsOptions {
  /** The executable and any leading arguments (`['python3', '-m', 'demucs']`). */
  command: readonly string[];
  model: string;
  device: 'cpu' | 'cuda';
  extraArgs: readonly string[];
  timeoutMs: number;
  logger: Logger;
  /** The whole environment Demucs gets (config.remix.childEnv): what it needs to run, never a secret. */
  env: Readonly<Record<string, string>>;
}

/** How much of Demucs's stderr and stdout is kept for the log and the user's message when it fails. */
const TAIL_CHARS = 8000;
/** Output format flags the bot would otherwise add; an admin's DEMUCS_EXTRA_ARGS may choose another. */
const FORMAT_FLAGS = ['--int24', '--float32', '--flac', '--mp3'];
const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes >= 1
    ? `${minutes} minute${minutes > 1 ? 's' : ''}`
    : `${Math.max(1, Math.round(ms / 1000))} seconds`;
}

function lastLine(text: string): string {
  const lines = text
    // dora prints FATAL in bold: drop terminal escapes before showing the line.
    .replace(ANSI_ESCAPES, '')
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter((line) => line && !/^\s*\d{1,3}%\|/.test(line));
  return (lines.at(-1) ?? '').slice(0, 300);
}

function notInstalled(options: DemucsOptions): UserFacingError {
  options.logger.error(
    { command: options.command.join(' ') },
    'demucs not found: install it (pip install demucs==4.0.1 soundfile, see the README) or set DEMUCS_COMMAND',
  );
  return new UserFacingError(
    'AI remix is not installed on this server (Demucs was not found). An admin needs to install Demucs or use the Docker image that includes it.',
  );
}

/**
 * Fails at once when the Demucs executable is missing, before a track is downloaded. The lookup is the
 * one spawn would do: the path itself, or each directory of `searchPath` (the process's PATH).
 */
export async function requireDemucs(options: DemucsOptions, searchPath: string): Promise<void> {
  const [file = ''] = options.command;
  const candidates = file.includes('/')
    ? [file]
    : searchPath
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, file));
  for (const candidate of candidates) {
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  throw notInstalled(options);
}

/**
 * Runs Demucs on `input` and returns the four stem files. Demucs writes `<out>/<model>/{stem}.{ext}` with
 * `--filename "{stem}.{ext}"`, which keeps odd track titles out of paths. It exits 0 even when the input is
 * missing, so the stems are checked, not the exit code alone.
 */
export async function separate(
  options: DemucsOptions,
  input: string,
  outDir: string,
  signal: AbortSignal,
  onProgress: (fraction: number) => void,
): Promise<Record<Stem, string>> {
  const [file, ...lead] = options.command;
  if (!file) throw new UserFacingError('AI remix is not set up: DEMUCS_COMMAND is empty.');
  const format = options.extraArgs.some((arg) => FORMAT_FLAGS.includes(arg)) ? [] : ['--int24'];
  const args = [
    ...lead,
    '-n',
    options.model,
    '-d',
    options.device,
    '-o',
    outDir,
    '--filename',
    '{stem}.{ext}',
    ...format,
    ...options.extraArgs,
    input,
  ];
  const progress = createDemucsProgress(shiftsOf(options.extraArgs));
  let stderrTail = '';
  let stdoutTail = '';
  const subprocess = execa(file, args, {
    cancelSignal: signal,
    timeout: options.timeoutMs,
    forceKillAfterDelay: 5000,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    // Only what it needs: the bot's tokens and keys stay out of the child's environment.
    extendEnv: false,
    // Python block-buffers a piped stdout; the model count line must arrive before the bars.
    env: { ...options.env, PYTHONUNBUFFERED: '1' },
  });
  // Demucs 4.0.1 prints why it could not load a track on stdout, so both tails are kept.
  subprocess.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdoutTail = tail(stdoutTail, chunk);
    progress.stdout(chunk);
  });
  subprocess.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = tail(stderrTail, chunk);
    const fraction = progress.stderr(chunk);
    if (fraction !== undefined) onProgress(fraction);
  });
  const result = await subprocess;
  const log = options.logger;
  // The queue aborts with the reason to report (cancelled, or stopped by a shutdown); a bare abort() means
  // cancelled.
  if (result.isCanceled) {
    const reason: unknown = signal.reason;
    throw reason instanceof Error && reason.name !== 'AbortError' ? reason : new RemixCancelledError();
  }
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT' || code === 'EACCES') throw notInstalled(options);
  if (result.timedOut) {
    log.warn({ timeoutMs: options.timeoutMs }, 'demucs timed out');
    throw new UserFacingError(
      `The separation took longer than ${duration(options.timeoutMs)} and was stopped. An admin can raise DEMUCS_TIMEOUT_MINUTES or choose the faster htdemucs model.`,
    );
  }
  if (result.failed) {
    log.error(
      { exitCode: result.exitCode, signal: result.signal, stderr: stderrTail, stdout: stdoutTail },
      'demucs failed',
    );
    if (result.signal === 'SIGKILL') {
      throw new UserFacingError(
        'Demucs was killed while separating, most likely because the server ran out of memory. Try a shorter track, or an admin can give the container more memory.',
      );
    }
    throw explainFailure(options, result, stdoutTail, stderrTail);
  }
  return findStems(join(outDir, options.model), stderrTail, log);
}

/** Keeps the end of a stream: enough for the last message, bounded however much the child writes. */
function tail(kept: string, chunk: string): string {
  return chunk.length >= TAIL_CHARS ? chunk.slice(-TAIL_CHARS) : (kept + chunk).slice(-TAIL_CHARS);
}

/** `--shifts N` in DEMUCS_EXTRA_ARGS draws N bars per model. */
function shiftsOf(extraArgs: readonly string[]): number {
  const at = extraArgs.findIndex((arg) => arg === '--shifts' || arg.startsWith('--shifts='));
  if (at < 0) return 1;
  const raw = extraArgs[at]?.includes('=') ? extraArgs[at]?.split('=')[1] : extraArgs[at + 1];
  return Math.max(1, Number.parseInt(raw ?? '1', 10) || 1);
}

/**
 * Says what an admin can do about a failed run, from what Demucs 4.0.1 prints (captured in
 * test/fixtures/demucs/): "FATAL: …" on stderr for a bad model, repo or segment; argparse's exit 2; torch's
 * AssertionError for `-d cuda` without CUDA; an unreadable track on stdout.
 */
function explainFailure(
  options: DemucsOptions,
  result: { exitCode?: number | undefined; signal?: string | undefined },
  stdout: string,
  stderr: string,
): UserFacingError {
  const said = `${stdout}\n${stderr}`;
  if (/neither a single pre-trained model or a bag of models|Could not find pre-trained model/.test(said))
    return new UserFacingError(
      `Demucs does not know the model “${options.model}” (“${lastLine(stderr)}”). An admin needs to set DEMUCS_MODEL to a Demucs model such as htdemucs_ft or htdemucs.`,
    );
  if (/Maximum segment is/.test(said))
    return new UserFacingError(
      `Demucs refused the --segment in DEMUCS_EXTRA_ARGS: “${lastLine(stderr)}”. An admin needs to lower it (Transformer models such as ${options.model} allow at most 7.8) or remove it.`,
    );
  if (/must exist and be a directory/.test(said))
    return new UserFacingError(
      `Demucs could not find its model folder: “${lastLine(stderr)}”. An admin needs to fix --repo in DEMUCS_EXTRA_ARGS.`,
    );
  if (/not compiled with CUDA|no CUDA GPUs|NVIDIA driver|CUDA driver|CUDA error/i.test(said))
    return new UserFacingError(
      'Demucs could not use the GPU: DEMUCS_DEVICE is cuda, but PyTorch here has no working CUDA. An admin can set DEMUCS_DEVICE=cpu, or install a CUDA build of PyTorch and give the container the GPU.',
    );
  if (/Could not load file|LoadAudioError/.test(said))
    return new UserFacingError(
      'Demucs could not read the track: its file format is not supported or the file is damaged. Another copy of the track in Plex may work.',
    );
  if (result.exitCode === 2)
    return new UserFacingError(
      `Demucs refused its arguments: “${lastLine(stderr)}”. An admin needs to check DEMUCS_EXTRA_ARGS.`,
    );
  const detail = lastLine(stderr) || lastLine(stdout);
  const how = result.signal ? `was stopped by ${result.signal}` : `exited with code ${result.exitCode}`;
  return new UserFacingError(
    `Demucs could not separate this track (it ${how}${detail ? `: “${detail}”` : ''}). An admin can find the details in the bot’s log.`,
  );
}

async function findStems(dir: string, stderr: string, logger: Logger): Promise<Record<Stem, string>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const found: Partial<Record<Stem, string>> = {};
  for (const stem of STEMS) {
    const name = names.find((n) => n.startsWith(`${stem}.`));
    if (
      name &&
      (await access(join(dir, name)).then(
        () => true,
        () => false,
      ))
    )
      found[stem] = join(dir, name);
  }
  const missing = STEMS.filter((stem) => !found[stem]);
  if (missing.length === STEMS.length) {
    // Demucs exits 0 when its input is missing (it only prints "File … does not exist").
    logger.error({ stderr }, 'demucs exited 0 without writing any stem');
    throw new UserFacingError(
      `Demucs produced no stems for this track${stderr.includes('does not exist') ? ' (it could not find the downloaded file)' : ''}. An admin can find the details in the bot’s log.`,
    );
  }
  if (missing.length > 0) {
    logger.error({ missing, stderr }, 'demucs exited 0 without writing every stem');
    throw new UserFacingError(
      `Demucs finished without writing the ${missing.join(', ')} stem${missing.length > 1 ? 's' : ''}. An admin can find the details in the bot’s log.`,
    );
  }
  return found as Record<Stem, string>;
}
