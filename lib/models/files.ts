/**
 * Saving and loading models in the TensorFlow.js Layers format (model.json + weights.bin) on
 * the file system, without tfjs-node: an IO handler of our own. The folder is the same one
 * `tf.loadLayersModel('http://.../model.json')` reads in a browser. Writes are atomic: the
 * files go to a temporary folder that is renamed into place.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** Replaces `dir` with a folder filled by `fill`, atomically (a temporary folder, then renames). */
export async function writeFolderAtomic(dir: string, fill: (tmp: string) => void | Promise<void>): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    await fill(tmp);
    fs.chmodSync(tmp, 0o755); // mkdtemp makes it private; a saved model is meant to be served and shared
    const old = `${dir}.old-${process.pid}`;
    if (fs.existsSync(dir)) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): Buffer {
  return Buffer.concat((Array.isArray(data) ? data : [data]).map((b) => Buffer.from(b)));
}

/** An IO handler that writes model.json and weights.bin into `dir`. */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weights = artifacts.weightData ? concatBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]) : Buffer.alloc(0);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
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
      for (const group of modelJson.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const file = path.join(dir, p);
          if (!fs.existsSync(file)) throw new Error(`${file} is missing: the saved model in ${dir} is incomplete.`);
          buffers.push(fs.readFileSync(file));
        }
      }
      const weightData = Buffer.concat(buffers);
      const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * (s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1), 0);
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
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileSaveHandler(dir));
}

/** Loads a model saved by `saveModel`. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(dir));
}
