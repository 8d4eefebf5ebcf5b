import test from 'ava';
import {answerComplete, parseAnswer} from '../../../src/host/faas/answer.ts';

test('parses the function\'s whoami answer', t => {
	const text = 'hostname: faas-Ab12\npid:[4026532246]\nmnt:[4026532243]\nuts:[4026532244]\nipc:[4026532245]\nnet:[4026532247]\ninterfaces: lo \n';
	t.deepEqual(parseAnswer(text), {
		hostname: 'faas-Ab12',
		namespaces: {pid: 'pid:[4026532246]', mnt: 'mnt:[4026532243]', uts: 'uts:[4026532244]', ipc: 'ipc:[4026532245]', net: 'net:[4026532247]'},
		interfaces: ['lo'],
	});
	t.true(answerComplete(text));
});

test('errors and unknown lines are not namespaces', t => {
	const text = 'hostname: vm\nreadlink: /proc/self/ns/pid: No such file or directory\ntail: can\'t open \'/proc/net/dev\'\ninterfaces: \n';
	t.deepEqual(parseAnswer(text), {hostname: 'vm', namespaces: {}, interfaces: []});
});

test('an answer is whole once its interfaces line has ended', t => {
	t.false(answerComplete('hostname: a\npid:[1]\n'));
	t.false(answerComplete('hostname: a\ninterfaces: lo'));
	t.true(answerComplete('hostname: a\ninterfaces: lo eth0\n'));
	t.deepEqual(parseAnswer('interfaces: lo eth0\n').interfaces, ['lo', 'eth0']);
});
