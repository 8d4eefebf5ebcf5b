import test from 'ava';
import {judge, probe, validate, type ContainerData} from '../../src/check/kinds/container.ts';
import type {ContainerInfo} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {validates} from '../helpers/validate-macro.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';

const shell = (own: ContainerInfo['own']): ContainerInfo => ({pid: 24_915, parentPid: 24_914, root: '/ubunturoot', own, command: '/bin/bash', startTime: 5001});

const judges = test.macro({
	exec(t, line: string, container: ContainerInfo | null, expected: Expected) {
		const data: ContainerData = {rootfs: '/ubunturoot', container};
		const result = judge(checkLine(line), data);
		expectResult(t, result, {...expected, check: line});
	},
	title: (given, line: string) => `${given}: ${line}`,
});

test('the write-up\'s first container', judges, 'container own=pid,mnt', shell(['pid', 'mnt']), {status: 'pass', actual: 'pid 24915 (/bin/bash) owns pid, mnt'});
test('any container', judges, 'container', shell(['pid']), {status: 'pass'});
test('no container fails (that is what it checks)', judges, 'container own=pid,mnt', null, {status: 'fail', actual: 'none', message: /^no container is running: .*unshare --fork --pid --mount-proc chroot \/ubunturoot \/bin\/bash$/});
test('started without --net', judges, 'container own=pid,mnt,net', shell(['pid', 'mnt']), {
	status: 'fail',
	expected: 'a shell rooted at /ubunturoot with its own pid, mnt, net namespaces',
	message: /^this shell shares the host's network namespace: exit it and start it again with unshare --net$/,
});
test('several shared at once', judges, 'container own=pid,mnt,uts', shell(['pid']), {status: 'fail', message: /shares the host's mount table and the host's hostname: .*unshare --mount .* and unshare --uts/});

test('probe reads the container only', async t => {
	const container = shell(['pid', 'mnt']);
	t.deepEqual(await probe(checkLine('container'), fakeProbes({container: async () => container})), {rootfs: '/ubunturoot', container});
});

const invalid = validates(validate);

test(invalid, 'container own=pid,mnt,net,uts', undefined);
test(invalid, 'container', undefined);
test(invalid, 'container own=pid,network', /unknown namespace kind `network`/);
test(invalid, 'container /ubunturoot', /takes no arguments/);
test(invalid, 'container own=pid extra=1', /unknown option `extra`/);

test('only the hostname shared: the shell can take a UTS namespace in place', judges, 'container own=pid,mnt,net,uts', shell(['pid', 'mnt', 'net']), {
	status: 'fail',
	message: /^this shell shares the host's hostname: in that shell run exec unshare --uts \/bin\/bash \(the same process then has a UTS namespace of its own, and keeps its PID, mounts and network\)$/,
});
