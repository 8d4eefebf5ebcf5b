import {useEffect, useMemo, useRef, useState, type Dispatch} from 'react';
import {openReporter} from '../../classroom/student/reporter.ts';
import type {StepRef} from '../../workshop/api.ts';
import type {Action, AppState} from '../state/types.ts';
import {afterDelivery, afterStreamed, type ClassroomStatus} from '../view/classroom-banner.ts';

/** How often the app says it is still there, and sends what is queued. */
const heartbeatMs = 15_000;

/**
 * The app's side of the classroom, when the learner joined one: the step opened, its verdict when
 * it changes, the hint opened, a heartbeat. Each goes to the on-disk queue at once and is sent in
 * the background (never awaited by the app: the screen never waits on the network); `!` asks for
 * help (the reducer counts the requests, one event each). The class state (pace, broadcast) is
 * followed live from the server's stream. Returns what the banner shows.
 */
export function useClassroom(state: AppState, ref: StepRef | undefined, dispatch: Dispatch<Action>): ClassroomStatus | undefined {
	const reporter = useMemo(() => openReporter(), []);
	// One send at a time; an event queued meanwhile asks for one more round after it.
	const sending = useRef<'idle' | 'sending' | 'again'>('idle');
	const [status, setStatus] = useState<ClassroomStatus | undefined>();
	// Once the live stream has spoken, it alone sets the class state (afterDelivery says why).
	const streamed = useRef(false);
	const send = () => {
		if (!reporter) {
			return;
		}

		if (sending.current !== 'idle') {
			sending.current = 'again';
			return;
		}

		sending.current = 'sending';
		reporter.send(1000).then(delivery => {
			setStatus(previous => afterDelivery(previous, delivery, streamed.current));
		}, () => undefined).finally(() => {
			const again = sending.current === 'again';
			sending.current = 'idle';
			if (again) {
				send();
			}
		});
	};

	const key = ref ? `${ref.lesson}/${ref.step}` : undefined;
	const report = key ? state.reports[key] : undefined;
	const onStep = state.screen === 'step';
	useEffect(() => {
		if (reporter && ref && onStep) {
			reporter.stepOpened(ref);
			send();
		}
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [reporter, key, onStep]);
	// The first verdict the app has for an open step is where it stood (the app checks a step as it
	// opens); after that, each `v` and each change the watch sees on it is a try (the learner did
	// something), reported even when the verdict is the same as before.
	const seen = useRef<{key?: string; said?: string; verifies: number}>({verifies: state.verifies});
	useEffect(() => {
		if (!reporter || !ref || !report) {
			return;
		}

		const said = JSON.stringify([report.status, report.message]);
		const explicit = onStep && !state.verifying && state.verifies > seen.current.verifies;
		const watched = onStep && seen.current.key === key && seen.current.said !== said;
		seen.current = {key: onStep ? key : undefined, said, verifies: explicit ? state.verifies : seen.current.verifies};
		if (reporter.verdicts({lessons: [{id: ref.lesson, title: '', steps: [report]}]}, explicit || watched ? ref : undefined) > 0) {
			send();
		}
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [reporter, key, report, onStep, state.verifying]);
	useEffect(() => {
		if (reporter && ref && state.hint) {
			reporter.hint(ref);
			send();
		}
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [reporter, key, state.hint]);
	useEffect(() => {
		if (reporter && state.helpRequests > 0) {
			reporter.help(ref);
			send();
		}
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [reporter, state.helpRequests]);
	useEffect(() => {
		if (!reporter) {
			return;
		}

		dispatch({type: 'classroom'});
		send();
		const timer = setInterval(() => {
			reporter.heartbeat();
			send();
		}, heartbeatMs);
		const stopWatching = reporter.watchState(classState => {
			streamed.current = true;
			setStatus(previous => afterStreamed(previous, classState));
		});
		return () => {
			clearInterval(timer);
			stopWatching();
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [reporter]);
	return status;
}
