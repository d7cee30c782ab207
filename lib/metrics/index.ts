/** Metrics: the classifiers, FID, KID, Inception-style scores, the linear probe, evaluation and reports. */
export * from './classifier';
export * from './frechet';
export * from './kid';
export * from './scores';
export * from './evaluate';
export * from './probe';
export * from './callback';
export * from './report';
