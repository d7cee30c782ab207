/** Models: each tutorial's networks (one namespace per tutorial), composites, the per-kind strategies, saving and loading. */
export * as dcganMnist from './dcgan-mnist';
export * as dcganFashion from './dcgan-fashion';
export * as classConditionalModels from './class-conditional';
export * as dcgan32And64 from './dcgan-32-and-64';
export * from './composite';
export * from './gan';
export * from './kinds';
export * from './latent';
export * from './files';
export * from './pretrained';
export * from './describe';
export * from './summary';
