/**
 * The .npy reader against NumPy's own writer (the project's .venv), its errors, and
 * `npm run evaluate -- --samples FILE` on real MNIST images written as .npy: real digits
 * score like the real-vs-real baseline, in uint8 or [-1, 1] floats alike, and noise does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { projectPython } from '../lib/config';
import { encodeNpy, npyToImages, parseNpy, parseNpyHeader, readNpy } from '../lib/data/npy';
import { loadMnist } from '../lib/data/mnist';
import { useWasm } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-npy-test-'));
const repo = path.resolve(__dirname, '..', '..');
const evaluateJs = path.join(repo, 'build/lib/cli/evaluate.js');

test('.npy files written by numpy.save read back exactly (uint8 NHW, float32 NCHW, format 2.0)', () => {
  const file = (name: string) => path.join(tmp, name);
  execFileSync(projectPython(), ['-c', `
import numpy as np
a = (np.arange(2 * 3 * 4) * 7 % 256).astype(np.uint8).reshape(2, 3, 4)
np.save(${JSON.stringify(file('u8.npy'))}, a)
b = np.linspace(-1, 1, 2 * 1 * 3 * 4, dtype=np.float32).reshape(2, 1, 3, 4)
np.save(${JSON.stringify(file('f32.npy'))}, b)
from numpy.lib import format
with open(${JSON.stringify(file('v2.npy'))}, 'wb') as f:
    format.write_array(f, b, version=(2, 0))
`]);
  const u8 = readNpy(file('u8.npy'));
  assert.equal(u8.dtype, 'uint8');
  assert.deepEqual(u8.shape, [2, 3, 4]);
  assert.deepEqual(Array.from(u8.data), Array.from({ length: 24 }, (_, i) => (i * 7) % 256));
  for (const name of ['f32.npy', 'v2.npy']) {
    const f32 = readNpy(file(name));
    assert.equal(f32.dtype, 'float32');
    assert.deepEqual(f32.shape, [2, 1, 3, 4]);
    const want = Array.from({ length: 24 }, (_, i) => -1 + (2 * i) / 23);
    Array.from(f32.data).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${name}[${i}] = ${v}, want ${want[i]}`));
  }
  // Our writer, read by NumPy.
  fs.writeFileSync(file('ours.npy'), encodeNpy({ dtype: 'float32', shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }));
  const seen = execFileSync(projectPython(), ['-c', `import numpy as np; a = np.load(${JSON.stringify(file('ours.npy'))}); print(a.dtype, a.shape, a.sum())`], { encoding: 'utf8' }).trim();
  assert.equal(seen, 'float32 (3, 2) 21.0');
});

test('.npy errors say what is wrong and how to fix it', () => {
  const good = encodeNpy({ dtype: 'uint8', shape: [2, 2, 2], data: new Uint8Array(8) });
  assert.throws(() => parseNpy(Buffer.from('PK\x03\x04 a zip, not an npy'), 'x.npz'), /x\.npz is not a NumPy \.npy file.*numpy\.save/);
  assert.throws(() => parseNpy(good.subarray(0, good.length - 3), 'cut.npy'), /cut\.npy is truncated or padded: shape \(2, 2, 2\) of uint8 needs 8 bytes after the header, found 5/);
  const int64 = Buffer.from(good.toString('latin1').replace("'|u1'", "'<i8'"), 'latin1');
  assert.throws(() => parseNpy(int64, 'i.npy'), /holds '<i8' values; save uint8 \(0-255\) or float32 images/);
  const fortran = Buffer.from(good.toString('latin1').replace('False', 'True '), 'latin1');
  assert.throws(() => parseNpy(fortran, 'f.npy'), /Fortran order; save np\.ascontiguousarray/);
  assert.deepEqual(parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }").shape, [7]);
  assert.throws(() => npyToImages({ dtype: 'float32', shape: [2, 3, 28, 28], data: new Float32Array(2 * 3 * 784) }, 'rgb.npy'), /rgb\.npy has shape \(2, 3, 28, 28\); expected grey images/);
  assert.throws(() => npyToImages({ dtype: 'float32', shape: [1, 2, 2], data: Float32Array.from([0, 0.5, 3, 1]) }, 'big.npy'), /values span \[0\.000, 3\.000\]; expected images in \[0, 1\] or \[-1, 1\]/);
  assert.throws(() => npyToImages({ dtype: 'float32', shape: [1, 2, 2], data: Float32Array.from([0, NaN, 1, 1]) }, 'nan.npy'), /contains NaN/);
});

test('npyToImages: uint8, [0, 1] and [-1, 1] floats of the same picture give the same [0, 1] images', () => {
  const pixels = [0, 51, 102, 255];
  const fromU8 = npyToImages({ dtype: 'uint8', shape: [1, 2, 2], data: Uint8Array.from(pixels) });
  const fromUnit = npyToImages({ dtype: 'float32', shape: [1, 2, 2, 1], data: Float32Array.from(pixels, (p) => p / 255) });
  const fromTanh = npyToImages({ dtype: 'float64', shape: [1, 1, 2, 2], data: Float64Array.from(pixels, (p) => (p / 255) * 2 - 1) });
  assert.deepEqual([fromU8.scale, fromUnit.scale, fromTanh.scale], ['uint8 0-255', 'float 0-1', 'float -1-1']);
  const want = pixels.map((p) => p / 255);
  for (const { images } of [fromU8, fromUnit, fromTanh]) {
    assert.deepEqual(images.shape, [1, 2, 2, 1]);
    Array.from(images.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6));
    images.dispose();
  }
});

test('npm run evaluate -- --samples FILE.npy: real digits score like real-vs-real, noise does not', async () => {
  await useWasm();
  const ds = await loadMnist({ limit: 1000 });
  const raw = Uint8Array.from(ds.train.images.dataSync());
  tf.dispose([ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  const score = (file: string) => {
    const run = spawnSync(process.execPath, [evaluateJs, '--samples', file], { cwd: repo, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(fs.readFileSync(file.replace(/\.npy$/, '.metrics.json'), 'utf8'));
  };
  const digitsU8 = path.join(tmp, 'digits-u8.npy');
  fs.writeFileSync(digitsU8, encodeNpy({ dtype: 'uint8', shape: [1000, 28, 28], data: raw }));
  const digitsTanh = path.join(tmp, 'digits-tanh.npy');
  fs.writeFileSync(digitsTanh, encodeNpy({ dtype: 'float32', shape: [1000, 1, 28, 28], data: Float32Array.from(raw, (v) => (v / 255) * 2 - 1) }));
  const noise = path.join(tmp, 'noise.npy');
  fs.writeFileSync(noise, encodeNpy({ dtype: 'uint8', shape: [1000, 28, 28], data: Uint8Array.from(raw, (_, i) => (i * 2654435761) % 256) }));
  const u8 = score(digitsU8);
  const tanh = score(digitsTanh);
  const bad = score(noise);
  assert.equal(u8.generated.samples, 1000);
  // and a grid of the first 100 images beside the file, to look at
  assert.equal(fs.readFileSync(digitsU8.replace(/\.npy$/, '.png')).subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(u8.scale, 'uint8 0-255');
  assert.equal(tanh.scale, 'float -1-1');
  // The same pictures, written two ways: the same scores (float rounding only).
  assert.ok(Math.abs(u8.generated.fid - tanh.generated.fid) < 1e-2, `${u8.generated.fid} vs ${tanh.generated.fid}`);
  // 1,000 real training digits against the test set: in the range of other 1,000-digit subsets
  // (FID of 1,000 samples varies with the subset: 9.4-10.5 for three random ones, 14-22 for
  // contiguous or strided ones; the bias of a small sample dominates).
  assert.ok(u8.generated.fid < 3 * u8.real.fid + 5, `real digits FID ${u8.generated.fid}, real-vs-real ${u8.real.fid}`);
  assert.equal(u8.generated.coverage.covered, 10);
  assert.ok(bad.generated.fid > 10 * u8.generated.fid, `noise FID ${bad.generated.fid}, digits ${u8.generated.fid}`);
  console.log(`FID of 1,000 real digits ${u8.generated.fid.toFixed(1)} (real-vs-real ${u8.real.fid.toFixed(1)}), of noise ${bad.generated.fid.toFixed(1)}`);
  // Neither --run nor --samples: usage and status 2; an integer --samples without --run: one line.
  const bare = spawnSync(process.execPath, [evaluateJs], { encoding: 'utf8' });
  assert.equal(bare.status, 2);
  assert.match(bare.stderr, /Missing --run or --samples\./);
  const count = spawnSync(process.execPath, [evaluateJs, '--samples', '500'], { encoding: 'utf8' });
  assert.equal(count.status, 1);
  assert.match(count.stderr, /Give --run DIR .* or --samples FILE\.npy/);
  const missing = spawnSync(process.execPath, [evaluateJs, '--samples', path.join(tmp, 'nope.npy')], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.npy does not exist/);
});
