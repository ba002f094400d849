/**
 * Where a command writes and what it knows about its terminal. Commands never touch
 * `process.stdout` directly, so tests run them in-process with captured output.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress bars redraw in place only then. */
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Ends the process at once (real process only). Used after Ctrl-C, when worker threads of an
   * abandoned run would otherwise keep the process alive. Tests leave it unset.
   */
  readonly exit?: (code: number) => never;
  /** Registers a SIGINT handler; returns its remover. Unset in tests. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

export const processIo: CliIo = {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  get stderrIsTTY() {
    return process.stderr.isTTY === true;
  },
  env: process.env,
  exit: (code) => process.exit(code),
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => {
      process.off('SIGINT', handler);
    };
  },
};

/** Output captured in memory, for tests. */
export interface CapturedIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
  /** Everything written to stdout. */
  stdoutText(): string;
  /** Everything written to stderr. */
  stderrText(): string;
}

export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => {
      out.push(text);
    },
    stderr: (text) => {
      err.push(text);
    },
    stderrIsTTY: false,
    env,
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
  };
}
