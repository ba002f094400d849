import type { Command } from './main.ts';

// Until the prediction server exists (issue 5), `start` runs the demo pipeline on generated data.
export const startCommand: Command = {
  summary: 'run aimass embedded (demo pipeline until the server lands)',
  async run(argv) {
    if (argv.includes('--help')) {
      process.stdout.write(
        'Usage: aimass start\n\nRuns the embedded demo on generated IoT data.\n\nExample:\n  aimass start\n',
      );
      return 0;
    }
    const { runDemo } = await import('./demo.ts');
    return runDemo(argv);
  },
};
