// Node-only packages (native bindings, terminal bars, servers, archives) in the browser bundle:
// importing them works; using one says it needs Node and what to do instead. CommonJS, so a
// named import (`tar.x`, `cliProgress.SingleBar`) is looked up on the stand-in when it runs.
function unavailable(what) {
  throw new Error(`${what} is not available in the browser kernel (JupyterLite): it needs Node. Run this lesson under tslab (npm run lab) for it.`);
}
const handler = {
  get: (_target, key) => {
    if (key === '__esModule') return false;
    if (key === 'default') return stand;
    if (typeof key === 'symbol' || key === 'then') return undefined;
    return new Proxy(function () {}, { apply: () => unavailable(`This Node package's ${key}`), construct: () => unavailable(`This Node package's ${key}`), get: () => undefined });
  },
  apply: () => unavailable('This Node package'),
};
const stand = new Proxy(function () {}, handler);
module.exports = stand;
