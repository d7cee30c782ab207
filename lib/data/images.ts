/**
 * Folders of images (CelebA, or your own): JPEG/PNG decoded with sharp (libvips, shipped as
 * npm packages, so it installs without other downloads), optionally cropped by bounding
 * boxes, and resized with padding (aspect ratio kept, like `resize_with_pad`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';

export type Partition = 'train' | 'val' | 'test' | 'all';

export interface BoundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ImageFolderOptions {
  /** Output size (square), default 64. */
  size?: number;
  /** 3 for colour (default) or 1 for grey. */
  channels?: 1 | 3;
  /** Only these file names, in this order (default: every .jpg/.jpeg/.png, sorted). */
  files?: string[];
  /** Crop each image to its box before resizing. */
  boxes?: Map<string, BoundingBox>;
  limit?: number;
  /** Called after each image with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

const IMAGE_FILE = /\.(jpe?g|png)$/i;

/** Decodes, crops and resizes one image to size x size x channels bytes. */
export async function decodeImage(file: string, size: number, channels: 1 | 3, box?: BoundingBox): Promise<Buffer> {
  try {
    let img = sharp(file);
    if (box) img = img.extract({ left: Math.max(0, Math.round(box.x)), top: Math.max(0, Math.round(box.y)), width: Math.max(1, Math.round(box.width)), height: Math.max(1, Math.round(box.height)) });
    img = img.resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 1 } }).removeAlpha();
    if (channels === 1) img = img.toColourspace('b-w');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new Error(`decoded ${info.channels} channels, expected ${channels}`);
    return data;
  } catch (err) {
    throw new Error(`${file}: cannot read this image (${(err as Error).message}). Remove or replace the file, or exclude it from the partition list.`);
  }
}

/** Loads a folder of images as a [n, size, size, channels] tensor of 0..255 values. */
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<tf.Tensor4D> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`Image folder ${dir} does not exist. Pass the folder that holds your .jpg/.png files (for CelebA: the folder containing img_align_celeba/).`);
  }
  const size = options.size ?? 64;
  const channels = options.channels ?? 3;
  let files = options.files ?? fs.readdirSync(dir).filter((f) => IMAGE_FILE.test(f)).sort();
  if (options.limit !== undefined) files = files.slice(0, options.limit);
  if (files.length === 0) throw new Error(`Image folder ${dir} holds no .jpg, .jpeg or .png files.`);
  const per = size * size * channels;
  const pixels = new Float32Array(files.length * per);
  for (let i = 0; i < files.length; i++) {
    const file = path.join(dir, files[i]);
    if (!fs.existsSync(file)) throw new Error(`${file} is listed but does not exist. Check that the image folder and the list files belong together.`);
    const bytes = await decodeImage(file, size, channels, options.boxes?.get(files[i]));
    for (let k = 0; k < per; k++) pixels[i * per + k] = bytes[k];
    options.onProgress?.(i + 1, files.length);
  }
  return tf.tensor4d(pixels, [files.length, size, size, channels]);
}

function readLines(file: string, what: string): string[] {
  if (!fs.existsSync(file)) throw new Error(`Missing ${what} ${file}. It comes with CelebA (Anno/ and Eval/ folders of the official download).`);
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

/** Parses `list_eval_partition.txt` ("000001.jpg 0", 0 train, 1 val, 2 test) into file names. */
export function readPartition(file: string, partition: Partition): string[] {
  const wanted = { train: '0', val: '1', test: '2', all: '' }[partition];
  if (wanted === undefined) throw new Error(`Unknown partition "${partition}": use train, val, test or all.`);
  return readLines(file, 'partition file').map((line, i) => {
    const [name, split] = line.split(/\s+/);
    if (!name || !['0', '1', '2'].includes(split)) throw new Error(`${file}, line ${i + 1}: expected "<image> <0|1|2>", got "${line}".`);
    return { name, split };
  }).filter((r) => partition === 'all' || r.split === wanted).map((r) => r.name);
}

/** Parses `list_bbox_celeba.txt` (count line, header line, then "image x_1 y_1 width height"). */
export function readBoundingBoxes(file: string): Map<string, BoundingBox> {
  const lines = readLines(file, 'bounding-box file');
  const boxes = new Map<string, BoundingBox>();
  for (let i = 0; i < lines.length; i++) {
    const parts = lines[i].split(/\s+/);
    if (i === 0 && parts.length === 1) continue; // the count
    if (parts[0] === 'image_id') continue; // the header
    const [name, ...nums] = parts;
    const [x, y, width, height] = nums.map(Number);
    if (nums.length !== 4 || [x, y, width, height].some((v) => !Number.isFinite(v)) || width <= 0 || height <= 0) {
      throw new Error(`${file}, line ${i + 1}: expected "<image> x_1 y_1 width height", got "${lines[i]}".`);
    }
    boxes.set(name, { x, y, width, height });
  }
  return boxes;
}

/**
 * CelebA's image folders, by tutorial 003's names: `img_celeba` (in the wild, with
 * bounding boxes), `img_align_celeba` (aligned JPEG), `img_align_celeba_png` (aligned PNG).
 * `align` and `wild` are short names for the first two.
 */
export type CelebAImageType = 'img_celeba' | 'img_align_celeba' | 'img_align_celeba_png' | 'align' | 'wild';

export interface CelebAOptions {
  imageType?: CelebAImageType;
  /** Crop in-the-wild images by list_bbox_celeba.txt (default true; tutorial 003's `bbox`). Ignored for aligned images. */
  bbox?: boolean;
  partition?: Partition;
  size?: number;
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

/** CelebA from its official folder layout, as tutorial 003 reads it. */
export async function loadCelebA(root: string, options: CelebAOptions = {}): Promise<tf.Tensor4D> {
  const type = options.imageType ?? 'align';
  const folder = type === 'align' ? 'img_align_celeba' : type === 'wild' ? 'img_celeba' : type;
  const dir = path.join(root, folder);
  const partition = options.partition ?? 'all';
  const partitionFile = [path.join(root, 'list_eval_partition.txt'), path.join(root, 'Eval', 'list_eval_partition.txt')].find((f) => fs.existsSync(f));
  let files: string[] | undefined;
  if (partition !== 'all' || partitionFile) {
    if (!partitionFile) throw new Error(`Partition "${partition}" needs list_eval_partition.txt in ${root} (or ${root}/Eval).`);
    files = readPartition(partitionFile, partition);
    // The partition list names .jpg files; the PNG release holds the same names as .png.
    if (folder === 'img_align_celeba_png') files = files.map((f) => f.replace(/\.jpg$/i, '.png'));
  }
  let boxes: Map<string, BoundingBox> | undefined;
  if (folder === 'img_celeba' && (options.bbox ?? true)) {
    const bboxFile = [path.join(root, 'list_bbox_celeba.txt'), path.join(root, 'Anno', 'list_bbox_celeba.txt')].find((f) => fs.existsSync(f)) ?? path.join(root, 'list_bbox_celeba.txt');
    boxes = readBoundingBoxes(bboxFile);
  }
  return loadImageFolder(dir, { size: options.size, files, boxes, limit: options.limit, onProgress: options.onProgress });
}
