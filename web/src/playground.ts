/**
 * The generator playground: loads a generator saved by `npm run train` (TensorFlow.js
 * format) and draws its image for a latent point the student moves with sliders, for a class
 * the student picks (conditional models), and along an interpolation between two points.
 * Everything runs in the page with TensorFlow.js; the server only serves files.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelRange, toUnit } from '../../lib/pixels';

/** What the server says about the model next to model.json. */
interface ModelInfo {
  model: string;
  description: string;
  range: ModelRange;
  /** Dark strokes on a light background (MNIST-like data). */
  reverse: boolean;
  classNames?: string[];
  epoch?: number;
}

const SLIDERS = 8;
const STEPS = 24;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A seeded standard normal (Box-Muller over mulberry32), so a page reload shows the same first image. */
function normalSource(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

async function main(): Promise<void> {
  const status = $<HTMLParagraphElement>('status');
  // WebGL where the browser has it; the CPU backend is plenty for one image at a time.
  if (!(await tf.setBackend('webgl').catch(() => false))) await tf.setBackend('cpu');
  // The generators on offer (a trained run, or the shipped pretrained ones): a menu when several.
  const models = (await (await fetch('models.json')).json()) as Array<{ id: string; label: string }>;
  const asked = new URLSearchParams(location.search).get('model');
  const chosen = models.find((m) => m.id === asked) ?? models[0];
  if (models.length > 1) {
    const menu = $<HTMLSelectElement>('model');
    models.forEach((m) => menu.append(new Option(m.label, m.id)));
    menu.value = chosen.id;
    menu.addEventListener('change', () => { location.search = `?model=${encodeURIComponent(menu.value)}`; });
    $<HTMLDivElement>('model-row').hidden = false;
  }
  const base = `model/${encodeURIComponent(chosen.id)}/`;
  const info = (await (await fetch(`${base}info.json`)).json()) as ModelInfo;
  const generator = await tf.loadLayersModel(`${base}model.json`);
  const conditional = generator.inputs.length === 2;
  // The first input is the latent point (the second, for conditional models, the class).
  const latentDim = generator.inputs[0].shape[1] as number;
  const normal = normalSource(42);
  let z = Array.from({ length: latentDim }, normal);
  let label = 0;
  let renders = 0;

  const image = $<HTMLCanvasElement>('image');
  const small = document.createElement('canvas');

  /** Generator output for latent points (rows) -> [n, h, w, c] in 0..1 for drawing. */
  const generate = (points: number[][]): tf.Tensor4D =>
    tf.tidy(() => {
      const zs = tf.tensor2d(points);
      const out = (conditional ? generator.predict([zs, tf.fill([points.length, 1], label)]) : generator.predict(zs)) as tf.Tensor4D;
      const unit = toUnit(out, info.range);
      return (info.reverse ? tf.sub(1, unit) : unit) as tf.Tensor4D;
    });

  async function drawInto(target: HTMLCanvasElement, pixels: tf.Tensor3D, x: number, size: number): Promise<void> {
    const [h, w] = pixels.shape;
    small.width = w;
    small.height = h;
    await tf.browser.toPixels(pixels, small);
    const ctx = target.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, x, 0, size, size);
  }

  async function render(): Promise<void> {
    const batch = generate([z]);
    const one = batch.squeeze([0]) as tf.Tensor3D;
    await drawInto(image, one, 0, image.width);
    tf.dispose([batch, one]);
    renders++;
    document.body.dataset.renders = String(renders);
  }

  // Sliders for the first latent dimensions; the others stay where the random point put them.
  const sliders = $<HTMLDivElement>('sliders');
  const inputs: HTMLInputElement[] = [];
  for (let i = 0; i < Math.min(SLIDERS, latentDim); i++) {
    const row = document.createElement('label');
    const input = Object.assign(document.createElement('input'), { type: 'range', min: '-3', max: '3', step: '0.05', value: String(z[i]) });
    input.id = `z${i}`;
    const value = document.createElement('span');
    value.textContent = z[i].toFixed(2);
    input.addEventListener('input', () => {
      z[i] = Number(input.value);
      value.textContent = z[i].toFixed(2);
      void render();
    });
    row.append(`z[${i}]`, input, value);
    sliders.append(row);
    inputs.push(input);
  }
  const syncSliders = () => inputs.forEach((input, i) => {
    input.value = String(z[i]);
    (input.nextSibling as HTMLSpanElement).textContent = z[i].toFixed(2);
  });

  if (conditional) {
    const select = $<HTMLSelectElement>('class');
    const names = info.classNames ?? Array.from({ length: 10 }, (_, k) => String(k));
    names.forEach((name, k) => select.append(new Option(`${k}: ${name}`, String(k))));
    $<HTMLDivElement>('class-row').hidden = false;
    select.addEventListener('change', () => {
      label = Number(select.value);
      void render();
    });
  }

  $<HTMLButtonElement>('random').addEventListener('click', () => {
    z = Array.from({ length: latentDim }, normal);
    syncSliders();
    void render();
  });

  // Interpolation: the strip shows every other step; the main image animates through all.
  $<HTMLButtonElement>('interpolate').addEventListener('click', async () => {
    const target = Array.from({ length: latentDim }, normal);
    const start = z.slice();
    const points = Array.from({ length: STEPS }, (_, s) => start.map((v, i) => v + ((target[i] - v) * s) / (STEPS - 1)));
    const strip = $<HTMLCanvasElement>('strip');
    const cell = strip.height;
    const batch = generate(points.filter((_, s) => s % 2 === 0).slice(0, Math.floor(strip.width / cell)));
    const frames = tf.unstack(batch) as tf.Tensor3D[];
    strip.getContext('2d')!.clearRect(0, 0, strip.width, strip.height);
    for (let k = 0; k < frames.length; k++) await drawInto(strip, frames[k], k * cell, cell);
    tf.dispose([batch, ...frames]);
    for (const p of points) {
      z = p;
      syncSliders();
      await render();
      await new Promise((r) => setTimeout(r, 40));
    }
  });

  await render();
  status.textContent = `${info.model}${info.epoch ? ` after epoch ${info.epoch}` : ''}: ${info.description}. Backend: ${tf.getBackend()}.`;
  document.body.dataset.state = 'ready';
}

main().catch((err) => {
  $<HTMLParagraphElement>('status').textContent = `Could not start: ${err instanceof Error ? err.message : err}`;
  document.body.dataset.state = 'error';
  console.error(err);
});
