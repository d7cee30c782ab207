/**
 * Shared checks and geometry for the convolution gradient kernels: the cases tfjs's own
 * kernels accept (stride, 'same' / 'valid' / numeric / explicit padding, rounding modes),
 * NHWC only; anything else is refused with an error that names the case.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelArgs, WasmBackendLike, WasmOps } from './wasm-ops';

export interface ConvGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

/** Throws for data layouts and dilations the gradient kernels do not implement. */
export function checkSupported(kernel: string, attrs: ConvGradAttrs): void {
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernel} (gan-lab wasm kernel): dataFormat '${attrs.dataFormat}' is not supported; use 'NHWC' (channels last).`);
  }
  const d = attrs.dilations;
  if (d !== undefined && (Array.isArray(d) ? d.some((v) => v !== 1) : d !== 1)) {
    throw new Error(`${kernel} (gan-lab wasm kernel): dilations ${JSON.stringify(d)} are not supported in gradients (tfjs supports only 1 there too).`);
  }
}

/** tfjs's own description of the forward convolution whose gradient is computed. */
export function forwardConvInfo(xShape: [number, number, number, number], filterShape: [number, number, number, number], attrs: ConvGradAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

/** Throws when dy does not have the forward convolution's output shape. */
export function checkDyShape(kernel: string, dy: tf.TensorInfo, expected: [number, number, number, number], forWhat: string): void {
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new Error(`${kernel}: dy has shape [${dy.shape}] but ${forWhat} gives [${expected}].`);
  }
}

type Shape4 = [number, number, number, number];

/**
 * What both gradient kernels start with: the attributes checked, the forward convolution's
 * geometry from the input and filter shapes the kernel knows, dy checked against it, and the
 * wasm operations to compute with.
 */
export function beginConvGradient<A extends ConvGradAttrs>(kernel: string, args: KernelArgs, shapes: (attrs: A) => { x: Shape4; filter: Shape4 }, forWhat: string) {
  const attrs = args.attrs as A;
  checkSupported(kernel, attrs);
  const { x, filter } = shapes(attrs);
  const info = forwardConvInfo(x, filter, attrs);
  const dy = args.inputs.dy;
  checkDyShape(kernel, dy, [x[0], info.outHeight, info.outWidth, filter[3]], forWhat);
  return { attrs, info, dy, ops: new WasmOps(args.backend as WasmBackendLike) };
}
