/** path-browserify is Node's `path` (POSIX) for browsers, with the same API and no types of its own. */
declare module 'path-browserify' {
  import path from 'path';
  export = path;
}
