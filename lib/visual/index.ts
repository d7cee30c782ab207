/** Pictures: image grids, GIFs, loss and bar figures, tables, class labels. */
export * from './grid';
export * from './gif';
export * from './plot';
export * from './table';
export * from './labels';
export * from './scatter';
