/**
 * Saving and loading models in the TensorFlow.js Layers format (model.json + weights.bin) on
 * the file system, without tfjs-node: an IO handler of our own. The folder is the same one
 * `tf.loadLayersModel('http://.../model.json')` reads in a browser. Writes are atomic: the
 * files go to a temporary folder that is renamed into place.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { writeFolderAtomic, prefetchHostFiles } from '../io';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';


function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): Buffer {
  return Buffer.concat((Array.isArray(data) ? data : [data]).map((b) => Buffer.from(b)));
}

/** IEEE half-precision bits of one float32 (round to nearest even; overflow to infinity). */
export function float32ToFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // too small: signed zero
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++; // may carry into the exponent: still right
  return sign | half;
}

/**
 * float32 weights stored as float16 (half the bytes), marked with tfjs's own
 * `quantization: {dtype: 'float16'}` so that tf.loadLayersModel (Node or browser) decodes them.
 */
function quantizeToFloat16(specs: tf.io.WeightsManifestEntry[], data: Buffer): { specs: tf.io.WeightsManifestEntry[]; data: Buffer } {
  const out: Buffer[] = [];
  let offset = 0;
  const quantized = specs.map((spec) => {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * 4;
    if (spec.dtype !== 'float32') {
      out.push(data.subarray(offset, offset + bytes));
      offset += bytes;
      return spec;
    }
    const values = new Float32Array(data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + bytes));
    const halves = new Uint16Array(count);
    for (let i = 0; i < count; i++) halves[i] = float32ToFloat16Bits(values[i]);
    out.push(Buffer.from(halves.buffer));
    offset += bytes;
    return { ...spec, quantization: { dtype: 'float16' as const } };
  });
  return { specs: quantized, data: Buffer.concat(out) };
}

/** Bytes one weight entry takes in weights.bin (quantized entries take their quantized size). */
function entryBytes(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const q = spec.quantization?.dtype;
  if (q) return count * (q === 'uint8' ? 1 : 2);
  return count * (spec.dtype === 'float32' || spec.dtype === 'int32' ? 4 : 1);
}

export interface SaveOptions {
  /** Store float32 weights as float16 (half the size; for shipped generators). */
  float16?: boolean;
}

/** An IO handler that writes model.json and weights.bin into `dir`. */
export function fileSaveHandler(dir: string, options: SaveOptions = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      let weights = artifacts.weightData ? concatBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]) : Buffer.alloc(0);
      let weightSpecs = artifacts.weightSpecs ?? [];
      if (options.float16) ({ specs: weightSpecs, data: weights } = quantizeToFloat16(weightSpecs, weights));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: weightSpecs }],
      };
      await writeFolderAtomic(dir, (tmp) => {
        fs.writeFileSync(path.join(tmp, WEIGHTS_BIN), weights);
        fs.writeFileSync(path.join(tmp, MODEL_JSON), JSON.stringify(modelJson));
      });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** An IO handler that reads a folder written by `fileSaveHandler` (or by tfjs's converters). */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonFile = path.join(dir, MODEL_JSON);
      if (!fs.existsSync(jsonFile)) throw new Error(`No saved model in ${dir}: ${MODEL_JSON} is missing. Train one first (npm run train) or point at the folder that holds model.json.`);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
      } catch (err) {
        throw new Error(`${jsonFile} is not valid JSON (${(err as Error).message}): the checkpoint is corrupt; delete it and resume from an earlier one or retrain.`);
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      await prefetchHostFiles((modelJson.weightsManifest ?? []).flatMap((group) => group.paths.map((p) => path.join(dir, p))), `the weights of ${dir}`);
      for (const group of modelJson.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const file = path.join(dir, p);
          if (!fs.existsSync(file)) throw new Error(`${file} is missing: the saved model in ${dir} is incomplete.`);
          buffers.push(fs.readFileSync(file));
        }
      }
      const weightData = Buffer.concat(buffers);
      const expected = specs.reduce((sum, s) => sum + entryBytes(s), 0);
      if (weightData.length !== expected) {
        throw new Error(`${dir}: weights hold ${weightData.length} bytes but model.json describes ${expected}: the checkpoint is corrupt (an interrupted copy?). Delete it and resume from an earlier one or retrain.`);
      }
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        trainingConfig: modelJson.trainingConfig,
        weightSpecs: specs,
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
      };
    },
  };
}

/** Saves a model into `dir` (model.json + weights.bin). */
export async function saveModel(model: tf.LayersModel, dir: string, options: SaveOptions = {}): Promise<void> {
  await model.save(fileSaveHandler(dir, options));
}

/** Loads a model saved by `saveModel`. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(dir));
}
