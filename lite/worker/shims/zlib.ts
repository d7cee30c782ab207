/** `zlib` in the browser: the gunzip the IDX loader needs, by fflate (small, synchronous, well kept). */
import { gunzipSync as gunzip, gzipSync as gzip } from 'fflate';
import { Buffer } from 'buffer';
export const gunzipSync = (data: Uint8Array) => Buffer.from(gunzip(data));
export const gzipSync = (data: Uint8Array) => Buffer.from(gzip(data));
export default { gunzipSync, gzipSync };
