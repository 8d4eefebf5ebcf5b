import test from 'ava';
import {validateInterfaceName, validatePid, validateRootfs} from '../../src/workshop/safety.ts';

const refusesRootfs = test.macro({
	exec(t, path: string, reason: RegExp) {
		t.throws(() => validateRootfs(path, '/home/learner'), {message: reason});
	},
	title: (_, path: string) => `the rootfs "${path}" is refused`,
});

test(refusesRootfs, 'ubunturoot', /absolute/);
test(refusesRootfs, '/', /cannot be \//);
test(refusesRootfs, '/usr', /system directory/);
test(refusesRootfs, '/var/lib', /system directory/);
test(refusesRootfs, '/home/learner', /system directory/);
test(refusesRootfs, '/etc/rootfs', /under \/etc/);
test(refusesRootfs, '/proc/1/root', /under \/proc/);
test(refusesRootfs, '/srv/../usr', /"\.\."/);

test('a fresh folder is accepted as it is', t => {
	t.is(validateRootfs('/ubunturoot'), '/ubunturoot');
	t.is(validateRootfs('/var/tmp/scratch/rootfs/'), '/var/tmp/scratch/rootfs');
});

test('interface names over 15 characters are refused with the limit named', t => {
	t.is(validateInterfaceName('vethCont'), 'vethCont');
	t.is(validateInterfaceName('a'.repeat(15)), 'a'.repeat(15));
	t.throws(() => validateInterfaceName('a'.repeat(16)), {message: /16 characters long; Linux allows at most 15/});
	t.throws(() => validateInterfaceName('bad/name'), {message: /not a valid interface name/});
});

test('a PID must be a positive whole number', t => {
	t.is(validatePid('24915'), 24_915);
	t.throws(() => validatePid('0'));
	t.throws(() => validatePid('12a'));
});
