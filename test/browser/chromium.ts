/** Debian's Chromium driven by playwright-core (no browser download), for the browser tests. */
import * as fs from 'fs';
import * as path from 'path';
import { chromium, Browser } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '..', 'artifacts', 'screenshots');

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`Chromium not found (tried ${candidates.join(', ')}). Install Debian's chromium (npm run setup does) or set CHROMIUM_PATH.`);
  return found;
}

/** `extraArgs`: `--enable-unsafe-webgpu` gives headless Chromium on Linux WebGPU (on SwiftShader, the CPU). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage', ...extraArgs] });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, name);
}
