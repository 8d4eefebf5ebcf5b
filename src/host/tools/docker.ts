import {execFile} from 'node:child_process';
import {which} from './tools.ts';

/** True when a Docker engine answers (not just the client): `docker info` succeeds within two seconds. */
export const dockerEngineAnswers = async (): Promise<boolean> => {
	if (!which('docker')) {
		return false;
	}

	return new Promise(resolve => {
		execFile('docker', ['info', '--format', '{{.ServerVersion}}'], {timeout: 2000}, (error, stdout) => {
			resolve(!error && stdout.trim().length > 0);
		});
	});
};
