/**
 * Identity for wasm without the copy. The stock kernel allocates a new buffer and copies the
 * tensor into it (tfjs's engine calls it for every `clone`, e.g. around gradients and
 * variables): 572 calls and 676 ms of a dcgan-64 step at batch 128, 152 calls and 105 ms of
 * dcgan-mnist's. Tensors never change after they are made, so the output can share the
 * input's buffer and count one more reference to it, as the wasm Reshape kernel and the cpu
 * backend's Identity already do. Strings go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelArgs } from './wasm-ops';

interface RefCountingBackend {
  incRef(dataId: unknown): void;
}

export function identityWithoutCopy(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const x = args.inputs.x;
    if (x.dtype === 'string') return stock(args as never);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }) as unknown as tf.KernelFunc;
}
