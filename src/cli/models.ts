import { defineGroup } from './command.ts';

export const modelsCommand = defineGroup(
  'models',
  'list, show and trace model versions',
  {
    ls: async () => (await import('./models-list.ts')).modelsListCommand,
    show: async () => (await import('./models-show.ts')).modelsShowCommand,
    history: async () => (await import('./models-show.ts')).modelsHistoryCommand,
  },
  {
    ls: 'model versions of a fleet, filtered and paged',
    show: "one version (default the champion): metadata and the bundle's description",
    history: 'every version of one key, newest first',
  },
  'aimass models ls --fleet turbines --status champion --fallback yes',
);
