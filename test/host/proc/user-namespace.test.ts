import test from 'ava';
import {userNamespaceOf} from '../../../src/host/proc/user-namespace.ts';

test('the initial user namespace maps the whole ID space onto itself', t => {
	t.deepEqual(userNamespaceOf('         0          0 4294967295\n'), {initial: true});
});

test('a rootless sandbox\'s namespace: root inside is the user on the host', t => {
	t.deepEqual(userNamespaceOf('         0       1001          1\n         1     400000      65536\n'), {initial: false, rootOnHost: 1001});
});

test('a namespace that maps root nowhere is still not the initial one', t => {
	t.deepEqual(userNamespaceOf('1 100000 65536\n'), {initial: false, rootOnHost: undefined});
	t.deepEqual(userNamespaceOf(''), {initial: false, rootOnHost: undefined});
});
