/**
 * Bytes as base64 (for display_data images and the drive's base64 files), in 32 KiB slices so a
 * large checkpoint does not overflow `String.fromCharCode`'s argument list. Shared by the page
 * (kernel.ts) and the worker (lite/worker/worker.ts).
 */
export function base64Of(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
