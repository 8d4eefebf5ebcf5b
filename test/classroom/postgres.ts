import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {chownSync, existsSync, mkdtempSync, rmSync} from 'node:fs';
import {userInfo} from 'node:os';
import {join} from 'node:path';

const bin = '/usr/lib/postgresql/15/bin';

export const postgresInstalled = () => existsSync(join(bin, 'initdb'));

/**
 * A private PostgreSQL server for one test file: initdb into a fresh folder, listening on a Unix
 * socket in that folder only (no TCP port at all), run as the `postgres` user since initdb refuses
 * root; `stop` ends it (immediate shutdown) and removes the folder.
 */
export const startPostgres = async (): Promise<{url: string; stop: () => void}> => {
	const dir = mkdtempSync('/var/tmp/rootcamp-pg-');
	const {uid, gid} = userInfo().uid === 0 ? {uid: Number(execFileSync('id', ['-u', 'postgres'], {encoding: 'utf8'})), gid: Number(execFileSync('id', ['-g', 'postgres'], {encoding: 'utf8'}))} : userInfo();
	chownSync(dir, uid, gid);
	const asPostgres = (command: string, args: string[]) => (userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] as const : [command, args] as const);
	const data = join(dir, 'data');
	const [initdb, initArgs] = asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'rootcamp', '--auth=trust', '--no-sync', '--encoding=utf8']);
	execFileSync(initdb, initArgs, {stdio: 'ignore'});
	const [postgres, serverArgs] = asPostgres(join(bin, 'postgres'), ['-D', data, '-k', dir, '-c', 'listen_addresses=', '-c', 'fsync=off']);
	const server = spawn(postgres, serverArgs, {stdio: 'ignore'});
	// The socket appears before the server takes connections ("starting up"): pg_isready says when it does.
	const ready = () => spawnSync(join(bin, 'pg_isready'), ['-q', '-h', dir, '-U', 'rootcamp']).status === 0;
	const deadline = Date.now() + 30_000;
	while (!ready()) {
		if (Date.now() > deadline || server.exitCode !== null) {
			throw new Error(`PostgreSQL did not start in ${dir}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 50);
		});
	}

	return {
		url: `postgres://rootcamp@localhost/postgres?host=${encodeURIComponent(dir)}`,
		stop() {
			// SIGQUIT: PostgreSQL's immediate shutdown (runuser passes it on); the folder goes after.
			server.kill('SIGQUIT');
			const until = Date.now() + 10_000;
			while (existsSync(join(data, 'postmaster.pid')) && Date.now() < until) {
				execFileSync('sleep', ['0.05']);
			}

			rmSync(dir, {recursive: true, force: true});
		},
	};
};
