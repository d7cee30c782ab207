/** The Node globals the library uses, injected into the browser bundle: Buffer, process, setImmediate. */
import { Buffer } from 'buffer';
import { browserProcess } from './process';

/** A Web Worker has no setImmediate: a zero timeout yields to the event loop the same way. */
const setImmediate = (fn: (...args: unknown[]) => void, ...args: unknown[]) => setTimeout(fn, 0, ...args);
export { Buffer, browserProcess as process, setImmediate };
