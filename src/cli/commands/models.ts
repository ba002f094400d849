import { defineGroup } from '../lib/command.ts';

export const modelsCommand = defineGroup(
  'models',
  'list, show, trace, promote and roll back model versions',
  {
    ls: async () => (await import('./models-list.ts')).modelsListCommand,
    show: async () => (await import('./models-show.ts')).modelsShowCommand,
    history: async () => (await import('./models-show.ts')).modelsHistoryCommand,
    promote: async () => (await import('./models-promote.ts')).modelsPromoteCommand,
    rollback: async () => (await import('./models-promote.ts')).modelsRollbackCommand,
  },
  {
    ls: 'model versions of a fleet, filtered and paged',
    show: "one version (default the champion): metadata and the bundle's description",
    history: 'every version of one key, newest first',
    promote: 'make a version the champion of its key',
    rollback: 'archive the champion and restore the one before it',
  },
  'aimass models ls --fleet turbines --status champion --fallback yes',
);
