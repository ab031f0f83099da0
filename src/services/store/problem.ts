import { errorCode, UserFacingError } from '../../errors.ts';

/**
 * Why the database cannot be used, in words, from SQLite's result code (better-sqlite3's `SqliteError.code`,
 * extended codes such as SQLITE_IOERR_WRITE included). https://www.sqlite.org/rescode.html
 */
const CAUSES: ReadonlyArray<readonly [string, string]> = [
  ['SQLITE_READONLY', 'it is read-only'],
  ['SQLITE_FULL', 'the disk is full'],
  ['SQLITE_CORRUPT', 'the file is corrupt'],
  ['SQLITE_NOTADB', 'the file is not a database'],
  ['SQLITE_CANTOPEN', 'the file cannot be opened'],
  ['SQLITE_IOERR', 'reading or writing it failed'],
  ['SQLITE_PERM', 'access to it is denied'],
  ['SQLITE_BUSY', 'another process keeps it locked'],
];

/** The database could not be opened: shown to users as written, and carries SQLite's code for the alert. */
export class StoreUnavailableError extends UserFacingError {
  readonly code: string | undefined;
  constructor(code: string | undefined) {
    super(
      `Autoalex cannot use its database (${causeOf(code)}). An admin needs to check DATA_DIR (autoalex.db).`,
    );
    this.name = 'StoreUnavailableError';
    this.code = code;
  }
}

function causeOf(code: string | undefined): string {
  const cause = CAUSES.find(([prefix]) => code?.startsWith(prefix))?.[1];
  return cause ? `${cause}: ${code}` : (code ?? 'unknown error');
}

/** "the file is not a database: SQLITE_NOTADB": what went wrong with a store call, never its raw message. */
export function storeProblem(error: unknown): string {
  const code = errorCode(error);
  return causeOf(typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined);
}
