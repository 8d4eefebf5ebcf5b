import {runApp} from '../src/ui/app.tsx';
import {FakeWorkshop} from '../test/helpers/fake-workshop.ts';

const workshop = new FakeWorkshop();
workshop.shell = ['sh', '-c', 'echo "in the shell; pid $$"; exec sh -i'];
workshop.runStep = async (ref, options) => {
	options.onEvent?.({type: 'start', command: {where: 'host', text: 'touch /srv/fixture-root/alpha-marker', startsContainer: false, inShell: false}});
	for (let i = 0; i < 100; i++) {
		if (options.signal?.aborted) {
			return {exitCode: 130, cancelled: true, changes: [], report: workshop.report(ref)};
		}
		options.onEvent?.({type: 'output', chunk: `line ${i}\n`});
		options.onEvent?.({type: 'progress', done: i, total: 50, unit: 'bytes'});
		await new Promise(r => setTimeout(r, 100));
		if (i === 50) break;
	}
	workshop.statuses.set(`${ref.lesson}/${ref.step}`, 'pass');
	return {exitCode: 0, cancelled: false, changes: [{sign: '+', text: 'file /srv/fixture-root/alpha-marker'}], report: workshop.report(ref)};
};
const t0 = performance.now();
const code = await runApp(workshop, {plain: false, color: true, yes: false});
console.log('exit', code, Math.round(performance.now() - t0));
