import test, {type ExecutionContext} from 'ava';
import type {AppState} from '../../../src/ui/state/state.ts';

// Ink colours through chalk, whose level the worker fixed (no TTY: none) before this file ran.
// Turn it up, so "no escape codes" below is a property of the theme and not of the test runner.
// chalk is Ink's own dependency; only this test reaches for it.
const {default: chalk} = await import('chalk');
chalk.level = 3;
const {render} = await import('ink-testing-library');
const {WorkshopApp} = await import('../../../src/ui/workshop-app.tsx');
const {initialState, reducer} = await import('../../../src/ui/state/state.ts');
const {createTheme, noColorRequested} = await import('../../../src/ui/view/theme.ts');
const {FakeWorkshop} = await import('../../helpers/fake-workshop.ts');
const {waitForFrame} = await import('../../helpers/wait-for.ts');

const hasEscape = (frame: string) => frame.includes('\u001B[');

async function frames(t: ExecutionContext, color: boolean) {
	const workshop = new FakeWorkshop({statuses: {'alpha/one': 'pass'}});
	workshop.course.lessons[0]!.steps[0]!.prose = 'Some **bold** prose with `code` in it.\n\n```sh\necho highlighted\n```';
	// Open on the step screen straight away: it has the most colours (checks, keys, markdown).
	const initial: AppState = reducer(initialState(workshop.course, workshop.progress(), {yes: false}), {type: 'open'});
	const app = render(<WorkshopApp workshop={workshop} initial={initial} color={color} watchMs={30}/>);
	t.teardown(() => {
		app.unmount();
	});
	// Wait for marked-terminal too: its code highlighting is the likeliest leak.
	return waitForFrame(app.lastFrame, frame => frame.includes('passes') && frame.includes('bold') && !frame.includes('**'), 5000);
}

test.serial('with colour on, the app is coloured (the check below is not vacuous)', async t => {
	t.true(hasEscape(await frames(t, true)));
});

test.serial('with colour off (NO_COLOR, --no-color) the app writes no escape code at all', async t => {
	const frame = await frames(t, false);
	t.false(hasEscape(frame), frame);
	t.true(frame.includes('✓ passes'));
});

test('NO_COLOR counts when set and not empty', t => {
	t.true(noColorRequested({NO_COLOR: '1'}));
	t.false(noColorRequested({NO_COLOR: ''}));
	t.false(noColorRequested({}));
});

test('the theme without colour styles nothing', t => {
	const theme = createTheme(false);
	t.deepEqual(Object.values(theme.text).filter(style => Object.keys(style).length > 0), []);
	t.is(theme.paint('error', 'boom'), 'boom');
});
