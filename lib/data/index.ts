/** Data: the MNIST family's IDX files, CIFAR-10, CelebA folders, scaling, batching, TFRecords, .npy. */
export * from './idx';
export * from './mnist';
export * from './download';
export * from './cifar10';
export * from './images';
export * from './scale';
export * from './pipeline';
export * from './tfrecord';
export * from './train-images';
export * from './npy';
