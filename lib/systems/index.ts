/** Systems: the registry of the seven tutorial systems, their options, a whole training run, and a run beside the pretrained generator. */
export * from './registry';
export * from './configure';
export * from './run';
export * from './compare';
export * from './pretrained-run';
