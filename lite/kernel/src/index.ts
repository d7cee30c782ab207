/**
 * Registers the lessons' TypeScript kernel with JupyterLite under the name the notebooks already
 * carry (`tslab`, language typescript), so that every lesson opens on it without a kernel picker.
 * Where its files are comes from the site's settings (`litePluginSettings` in jupyter-lite.json,
 * written by scripts/build-lite-site.mjs): the data folder, its manifest and the kernel's
 * `process.env`. As JupyterLite's own pyodide kernel extension does, the kernel class is loaded
 * only when a kernel starts.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { IKernelSpecs, IKernelClient, type IKernel } from '@jupyterlite/services';
import type { RunDrive } from './kernel';

const PACKAGE = '@gan-lab/jupyterlite-tslab-kernel';
const PLUGIN_ID = `${PACKAGE}:kernel`;

interface Settings {
  dataUrl?: string;
  env?: Record<string, string>;
}

const LOGO = `data:image/svg+xml;base64,${btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="8" fill="#3178c6"/><text x="32" y="44" font-family="sans-serif" font-size="30" font-weight="bold" fill="#fff" text-anchor="middle">TS</text></svg>')}`;

/**
 * GAN_* variables given in the page's address (`lab/index.html?GAN_QUICK=1`, `?GAN_MODE=class`,
 * `?GAN_BACKEND=cpu`): a link can open the lessons in a mode, and the browser test runs them quick.
 */
function envFromUrl(): Record<string, string> {
  const query = new URLSearchParams(globalThis.location?.search ?? '');
  return Object.fromEntries([...query].filter(([k]) => /^GAN_[A-Z_]+$/.test(k)));
}

/** The kernels this plugin started, by id: Interrupt reaches them (see `passInterrupts`). */
const running = new Map<string, { interrupt(): void }>();

/**
 * JupyterLite 0.8's kernel client answers Lab's Interrupt by cancelling the queued cells only
 * (kernel/client.ts `interrupt`); a running cell never hears of it. Wrapped here so that our
 * kernel is told too, then JupyterLite does what it did.
 */
function passInterrupts(client: IKernelClient): void {
  const original = client.interrupt.bind(client);
  client.interrupt = async (id: string) => {
    running.get(id)?.interrupt();
    return original(id);
  };
}

const plugin = {
  id: PLUGIN_ID,
  description: 'The TypeScript kernel of the GAN lessons (TensorFlow.js and gan-lab in a Web Worker).',
  autoStart: true,
  requires: [IKernelSpecs],
  optional: [IKernelClient],
  activate: (app: { serviceManager: { contents: RunDrive } }, kernelspecs: IKernelSpecs, kernelClient: IKernelClient | null) => {
    if (kernelClient) passInterrupts(kernelClient);
    const settings: Settings = JSON.parse(PageConfig.getOption('litePluginSettings') || '{}')[PLUGIN_ID] ?? {};
    const base = PageConfig.getBaseUrl();
    const own = URLExt.join(base, 'extensions', PACKAGE, 'static', 'worker/');
    const data = URLExt.join(base, settings.dataUrl ?? 'gan-data/');
    const env = { ...(settings.env ?? {}), ...envFromUrl() };   // read now: Lab rewrites the address later
    kernelspecs.register({
      spec: {
        name: 'tslab',
        display_name: 'TypeScript',
        language: 'typescript',
        argv: [],
        resources: { 'logo-32x32': LOGO, 'logo-64x64': LOGO },
      },
      create: async (options: IKernel.IOptions): Promise<IKernel> => {
        const { TsKernel } = await import('./kernel');
        const kernel = new TsKernel({
          ...options,
          workerUrl: `${own}worker.js`,
          wasmBase: own,
          dataBase: data.endsWith('/') ? data : `${data}/`,
          manifestUrl: URLExt.join(data, 'manifest.json'),
          env,
          drive: app.serviceManager.contents,
        });
        running.set(options.id, kernel);
        kernel.disposed.connect(() => running.delete(options.id));
        return kernel;
      },
    });
  },
};

export default [plugin];
