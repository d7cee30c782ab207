/** Systems: the registry of the seven tutorial systems, their options, and a whole training run. */
export * from './registry';
export * from './configure';
export * from './run';
