import {spawn} from 'node:child_process';
async function first(command, text) {
	const start = performance.now();
	const child = spawn('script', ['-qfec', command, '/dev/null'], {env: {...process.env, XDG_STATE_HOME: '/tmp/rc-state', NO_COLOR: '1', COLUMNS: '100', LINES: '30', TERM: 'xterm-256color'}, stdio: ['pipe', 'pipe', 'ignore']});
	child.stdin.on('error', () => {});
	let seen = '';
	const ms = await new Promise(resolve => child.stdout.on('data', chunk => { seen += chunk; if (seen.includes(text)) resolve(performance.now() - start); }));
	child.stdin.write('q');
	await new Promise(resolve => { child.once('exit', resolve); setTimeout(() => child.kill('SIGKILL'), 3000).unref(); });
	return ms;
}
const bare = [], app = [];
for (let i = 0; i < 5; i++) {
	bare.push(await first(`${process.execPath} -e "process.stdout.write('ready')"`, 'ready'));
	app.push(await first(`${process.execPath} dist/cli.js --rootfs /var/tmp/rc-scratch`, 'Lessons'));
}
const med = a => [...a].sort((x, y) => x - y)[2];
console.log('bare', med(bare).toFixed(0), 'app first frame', med(app).toFixed(0), 'ratio', (med(app) / med(bare)).toFixed(2));
