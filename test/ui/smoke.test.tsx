import test from 'ava';
import {render} from 'ink-testing-library';
import {WorkshopApp} from '../../src/ui/workshop-app.tsx';
import {initialState} from '../../src/ui/state.ts';
import {FakeWorkshop} from '../helpers/fake-workshop.ts';
import {waitForFrame} from '../helpers/wait-for.ts';
import {enter} from '../helpers/keys.ts';
import {readAsset} from '../../src/ui/assets.ts';

test('smoke', async t => {
	const workshop = new FakeWorkshop({progress: {passed: {'alpha/one': 'x'}, current: {lesson: 'alpha', step: 'two'}}});
	const banner = await readAsset('banner.txt');
	const app = render(<WorkshopApp workshop={workshop} initial={initialState(workshop.course, workshop.progress(), {yes: false})} color={false} banner={banner}/>);
	console.log(await waitForFrame(app.lastFrame, 'Alpha'));
	await waitForFrame(app.lastFrame, f => !f.includes('checking'));
	console.log(app.lastFrame());
	app.stdin.write(enter);
	await waitForFrame(app.lastFrame, 'Start the container');
	await waitForFrame(app.lastFrame, 'unshare');
	await new Promise(r => setTimeout(r, 800));
	console.log(app.lastFrame());
	app.stdin.write('h');
	app.stdin.write('r');
	await waitForFrame(app.lastFrame, 'y yes');
	console.log(app.lastFrame());
	app.unmount();
	t.pass();
});
