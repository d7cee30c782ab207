/**
 * `DenseBincount` for the native backend. tfjs-node 4.22 registers `Bincount` but not
 * `DenseBincount`, so `tf.denseBincount` and the layer built on it, `tf.layers.categoryEncoding`
 * (one-hot / multi-hot / count encoding of class labels), throw "Kernel 'DenseBincount' not
 * registered for backend 'tensorflow'" on native while cpu and wasm run them. TensorFlow's C
 * library has the op (DenseBincount: input, size, weights; attrs Tidx, T, binary_output), so this
 * kernel only hands it over, exactly as tfjs-node's own `Bincount` kernel does for `Bincount`.
 * A length-0 `weights` means "every weight 1", in TensorFlow as in TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs';

/** What this kernel needs of tfjs-node's backend object (not exported by tfjs-node's types). */
interface NodeBackendLike {
  binding: { TF_ATTR_BOOL: number; TF_ATTR_TYPE: number; TF_INT32: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: Array<{ name: string; type: number; value: unknown }>, inputs: tf.Tensor[]): tf.Tensor;
}

function denseBincountNative({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, weights } = inputs as unknown as { x: tf.Tensor; weights: tf.Tensor };
  const { size, binaryOutput } = attrs as unknown as { size: number; binaryOutput: boolean };
  const node = backend as NodeBackendLike;
  const type = (dtype: tf.DataType) => (dtype === 'int32' ? node.binding.TF_INT32 : node.binding.TF_FLOAT);
  const $size = tf.scalar(size, 'int32');
  try {
    return node.executeSingleOutput('DenseBincount', [
      { name: 'Tidx', type: node.binding.TF_ATTR_TYPE, value: type(x.dtype) },
      { name: 'T', type: node.binding.TF_ATTR_TYPE, value: type(weights.dtype) },
      { name: 'binary_output', type: node.binding.TF_ATTR_BOOL, value: Boolean(binaryOutput) },
    ], [x, $size, weights]);
  } finally {
    $size.dispose();
  }
}

/** Registers it once, when the native backend is active and has none. */
export function registerNativeDenseBincount(): void {
  if (tf.getKernel('DenseBincount', 'tensorflow')) return;
  tf.registerKernel({ kernelName: 'DenseBincount', backendName: 'tensorflow', kernelFunc: denseBincountNative as unknown as tf.KernelFunc });
}
