/**
 * aimass as a library: the pieces the `aimass` command is built from, for programs that embed it.
 * Everything here is also reachable through its layer's own index (src/<layer>/index.ts).
 */
export { main } from './cli/index.ts';
export type { AimassClient, ClientOptions } from './client/index.ts';
export { AimassApiError, createClient } from './client/index.ts';
export type { ErrorCode } from './core/errors.ts';
export { AimassError, isAimassError } from './core/errors.ts';
export type { FleetSpec, Predictor, ServedModel } from './fleet/index.ts';
export { loadPredictor, parseFleetSpecText, planFleet, validateFleetSpec } from './fleet/index.ts';
export type { Queue, QueueConfig } from './queue/index.ts';
export { openQueue } from './queue/index.ts';
export { createApp, startServer } from './serve/index.ts';
export type { Store, StoreConfig } from './store/index.ts';
export { openStore } from './store/index.ts';
export type { TrainFleetOptions, TrainSummary } from './train/run-fleet.ts';
export { trainFleet } from './train/run-fleet.ts';
