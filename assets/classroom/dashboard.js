// The classroom dashboard: the class as the server streams it (server-sent events), drawn with
// DOM nodes and textContent only. A student's name is text, never markup: no innerHTML anywhere.
/* global document, EventSource */

const view = {steps: [], students: new Map(), stats: [], groups: [], stuck: {}, help: [], state: {pace: null, broadcast: null}, skew: 0};
const rows = new Map();

const element = (tag, properties = {}, children = []) => {
	const node = document.createElement(tag);
	for (const [key, value] of Object.entries(properties)) {
		if (key === 'text') {
			node.textContent = value;
		} else if (key === 'className') {
			node.className = value;
		} else {
			node.setAttribute(key, value);
		}
	}

	for (const child of children) {
		node.append(child);
	}

	return node;
};

const keyOf = step => `${step.lesson}/${step.step}`;

const duration = ms => {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	const minutes = Math.floor(seconds / 60);
	return minutes >= 60 ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}` : `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
};

const now = () => Date.now() + view.skew;

const drawHead = () => {
	const head = document.querySelector('#grid thead');
	const row = element('tr', {}, [element('th', {text: 'student'})]);
	for (const step of view.steps) {
		row.append(element('th', {className: 'lesson', 'data-step': keyOf(step), title: step.title, text: keyOf(step)}));
	}

	row.append(element('th', {text: 'host cleaned up'}));
	head.replaceChildren(row);
	const select = document.querySelector('#pace-step');
	select.replaceChildren(element('option', {value: '', text: '(none)'}), ...view.steps.map(step => element('option', {value: keyOf(step), text: `${keyOf(step)} — ${step.title}`})));
};

// The projector shows the failure itself, not only on hover: the start of its message, as text.
const shortMessage = (text = '') => (text.length > 28 ? `${text.slice(0, 27)}…` : text);

const cellText = (cell, stuck) => {
	switch (cell?.status) {
		case 'pass': {
			return '✓';
		}

		case 'fail': {
			return `${stuck ? '✗!' : '✗'} ${shortMessage(cell.message || cell.check)}`.trim();
		}

		case 'skip': {
			return '–';
		}

		case 'on': {
			return cell.openedAt === undefined ? '…' : duration(now() - cell.openedAt);
		}

		default: {
			return '·';
		}
	}
};

const drawRow = student => {
	let row = rows.get(student.id);
	if (!row) {
		row = element('tr', {'data-student': student.id});
		rows.set(student.id, row);
		document.querySelector('#grid tbody').append(row);
	}

	const stuck = new Set(view.stuck[student.id] ?? []);
	row.className = student.leftAt === null ? '' : 'left';
	const cells = [element('td', {className: 'name', title: student.name, text: student.name})];
	for (const step of view.steps) {
		const key = keyOf(step);
		const cell = student.cells[key];
		const status = cell?.status ?? 'todo';
		const title = status === 'fail' ? [cell.message, cell.expected && `expected: ${cell.expected}`, cell.actual && `actual: ${cell.actual}`].filter(Boolean).join('\n') : status;
		const mark = element('span', {className: `cell ${status}${stuck.has(key) ? ' stuck' : ''}`, text: cellText(cell, stuck.has(key))});
		cells.push(element('td', {'data-step': key, 'data-status': status, 'data-stuck': String(stuck.has(key)), title}, [mark]));
	}

	const {reset} = student;
	cells.push(element('td', {'data-column': 'reset', title: reset ? reset.left.join('\n') : ''}, [element('span', {
		className: reset ? (reset.clean ? 'clean' : 'dirty') : 'muted',
		text: reset ? (reset.clean ? '✓ clean' : `✗ ${reset.left.length} left`) : '—',
	})]));
	row.replaceChildren(...cells);
};

const drawClass = () => {
	const students = [...view.students.values()];
	const present = students.filter(student => student.leftAt === null);
	const stuckCount = Object.keys(view.stuck).length;
	document.querySelector('#summary').textContent = `${present.length} joined · ${stuckCount} stuck · ${view.help.length} waiting for help`;
	const {pace, broadcast} = view.state;
	document.querySelector('#class-state').textContent = [pace ? `pace: ${pace.lesson}/${pace.step}` : 'no pace set', broadcast ? `broadcast: “${broadcast.text}”` : 'no broadcast'].join(' · ');
	for (const th of document.querySelectorAll('#grid th[data-step]')) {
		th.classList.toggle('pace', pace !== null && th.dataset.step === `${pace.lesson}/${pace.step}`);
	}

	document.querySelector('#help').replaceChildren(...view.help.map(request => {
		const done = element('button', {type: 'button', 'data-help': request.id, text: 'done'});
		done.addEventListener('click', () => act('/api/help-done', {id: request.id}));
		const where = request.lesson ? ` on ${request.lesson}/${request.step}` : '';
		return element('li', {'data-help-request': request.id}, [element('span', {text: `${request.name}${where}, ${duration(now() - request.at)} ago`}), done]);
	}));
	document.querySelector('#groups').replaceChildren(...view.groups.map(group => element('li', {}, [
		element('strong', {text: `${group.students.length} student${group.students.length === 1 ? '' : 's'}`}),
		element('span', {text: ` on ${group.key}: ${group.message || group.check}`}),
		element('div', {className: 'muted', text: group.students.map(student => student.name).join(', ')}),
	])));
	document.querySelector('#stats tbody').replaceChildren(...view.stats.filter(step => step.opened > 0 || step.passed > 0).map(step => element('tr', {'data-step': step.key}, [
		element('td', {text: step.key}),
		element('td', {text: step.firstTries > 0 ? `${Math.round(100 * step.firstTryPasses / step.firstTries)}% of ${step.firstTries}` : '—'}),
		element('td', {text: step.medianMs === undefined ? '—' : duration(step.medianMs)}),
		element('td', {text: String(step.passed)}),
	])));
	for (const student of students) {
		drawRow(student);
	}
};

const takeClass = data => {
	view.stats = data.stats;
	view.groups = data.groups;
	view.stuck = data.stuck;
	view.help = data.help;
	view.state = data.state;
	view.skew = data.now - Date.now();
};

const act = async (path, body) => {
	const response = await fetch(path, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
	if (!response.ok) {
		document.querySelector('#connection').textContent = `${path}: ${response.status} ${(await response.json().catch(() => ({}))).error ?? ''}`;
	}
};

document.addEventListener('DOMContentLoaded', () => {
	document.querySelector('#pace-form').addEventListener('submit', event => {
		event.preventDefault();
		const {value} = document.querySelector('#pace-step');
		const [lesson, step] = value.split('/');
		act('/api/pace', value ? {lesson, step} : null);
	});
	document.querySelector('#broadcast-form').addEventListener('submit', event => {
		event.preventDefault();
		act('/api/broadcast', {text: document.querySelector('#broadcast-text').value});
	});

	const stream = new EventSource('/api/stream');
	stream.addEventListener('open', () => {
		document.querySelector('#connection').textContent = 'live';
	});
	stream.addEventListener('error', () => {
		document.querySelector('#connection').textContent = 'reconnecting…';
	});
	stream.addEventListener('snapshot', message => {
		const data = JSON.parse(message.data);
		view.steps = data.steps;
		view.students = new Map(data.students.map(student => [student.id, student]));
		rows.clear();
		document.querySelector('#grid tbody').replaceChildren();
		takeClass(data);
		drawHead();
		drawClass();
	});
	stream.addEventListener('students', message => {
		for (const student of JSON.parse(message.data)) {
			view.students.set(student.id, student);
			drawRow(student);
		}
	});
	stream.addEventListener('class', message => {
		takeClass(JSON.parse(message.data));
		drawClass();
	});
	// Time on a step moves on between messages.
	setInterval(() => {
		for (const student of view.students.values()) {
			if (Object.values(student.cells).some(cell => cell.status === 'on')) {
				drawRow(student);
			}
		}
	}, 1000);
});
