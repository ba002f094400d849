export async function runDemo(_argv: string[]): Promise<number> {
  process.stdout.write('aimass demo: nothing to run yet\n');
  return 0;
}
