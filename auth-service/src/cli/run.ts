// How an operator command ends: with the exit code its main returns, or with
// the error's message (one sentence for a configuration error) and code 1.
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
