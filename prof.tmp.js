const tf = require('@tensorflow/tfjs');
const lab = require('./build/lib/index');
const { trainStep } = require('./build/lib/training/step');
const { getSystem } = require('./build/lib/models/registry');
(async () => {
  await lab.initBackend('wasm', {threads: Number(process.env.T||2), verbose: false});
  const sys = getSystem(process.env.M || 'dcgan-mnist');
  const m = require("./build/lib/models/registry").buildSystem(sys);
  const realB = tf.randomUniform([sys.batchSize/2, ...sys.imageShape]);
  await trainStep(m, realB);
  let t = Date.now(); await trainStep(m, realB); console.log('step', Date.now() - t);
  const prof = await tf.profile(async () => { await trainStep(m, realB); });
  const agg = {}; let total = 0;
  if (process.env.SHOWSUM) for (const k of prof.kernels) if (k.name === "Sum") console.log(k.kernelTimeMs.toFixed(0), JSON.stringify(k.inputShapes), JSON.stringify(k.extraInfo||""));
  for (const k of prof.kernels) { if (k.name.endsWith('__op')) continue; const key = process.env.DETAIL ? `${k.name} ${k.inputShapes.map(s=>'['+s+']').join(' ')}` : k.name; agg[key] = (agg[key] || 0) + k.kernelTimeMs; total += k.kernelTimeMs; }
  console.log('total kernel ms', total.toFixed(0));
  console.log(Object.entries(agg).sort((a,b)=>b[1]-a[1]).slice(0,25).map(([k,v])=>`${v.toFixed(0).padStart(5)} ${k}`).join('\n'));
})();
