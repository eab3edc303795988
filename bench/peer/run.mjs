// The peer: bpmn-engine (npm) running Ordo's leave-approval workload in memory.
// The model is parsed once; each instance starts, waits at the manager's user
// task, is signalled, and runs to its end.
//   node bench/peer/run.mjs MODEL INSTANCES
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Engine } from 'bpmn-engine';

const require = createRequire(import.meta.url);
const BpmnModdle = require('bpmn-moddle');
const { default: serializer, TypeResolver } = await import('moddle-context-serializer');
const Elements = await import('bpmn-elements');

const [model, count] = [process.argv[2], Number(process.argv[3] ?? 1000)];
const source = readFileSync(model, 'utf8');
const moddleContext = await new (BpmnModdle.default ?? BpmnModdle)().fromXML(source);
const sourceContext = serializer(moddleContext, TypeResolver(Elements));

async function runOne(i) {
  const engine = new Engine({ name: `leave-${i}`, sourceContext });
  let ended = false;
  const done = new Promise((resolve, reject) => {
    engine.once('end', () => { ended = true; resolve(); });
    engine.once('error', reject);
  });
  const listener = new (await import('node:events')).EventEmitter();
  listener.on('wait', (api) => api.signal({ approved: true }));
  await engine.execute({ listener, variables: { days: 2, manager: 'm', director: 'd' } });
  await done;
  if (!ended) throw new Error('instance did not end');
}

const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) await runOne(i);
const secs = Number(process.hrtime.bigint() - start) / 1e9;
const version = JSON.parse(readFileSync(new URL('./node_modules/bpmn-engine/package.json', import.meta.url))).version;
console.log(`bench=peer engine=bpmn-engine@${version} instances=${count} seconds=${secs.toFixed(3)} instances_per_s=${(count / secs).toFixed(0)}`);
