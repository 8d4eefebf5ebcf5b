import {execFileSync} from 'node:child_process';
import test from 'ava';
import {onTerminalOfItsOwn} from '../../src/run/shell.ts';

test('the container shell runs through script, on a pseudo-terminal of its own, with its exit status', t => {
	const {file, args, env} = onTerminalOfItsOwn(['nsenter', '--target=42', '--all'], () => '/usr/bin/script');
	t.is(file, '/usr/bin/script');
	t.deepEqual(args.filter(arg => arg.startsWith('-')), ['-q', '-e', '-c'], 'quiet, returning the shell\'s status');
	t.is(args.at(-1), '/dev/null', 'no typescript file is kept');
	t.is(env.SHELL, '/bin/sh', 'script -c runs its command with $SHELL, which must be a POSIX shell');
});

test('the command script runs gives sh back every word unchanged, quotes and spaces included', t => {
	const argv = ['printf', '%s|', '/bin/sh', '-c', 'exec /bin/bash -i 2>/dev/null || exec /bin/sh -i', 'it\'s', '$HOME', ''];
	const {args} = onTerminalOfItsOwn(argv, () => '/usr/bin/script');
	const command = args[args.indexOf('-c') + 1]!;
	t.is(execFileSync('sh', ['-c', command], {encoding: 'utf8'}), argv.slice(2).map(word => `${word}|`).join(''));
});

test('without script the shell key says what to install rather than stopping the app', t => {
	t.throws(() => onTerminalOfItsOwn(['sh'], () => undefined), {message: /script.*bsdutils/});
});
