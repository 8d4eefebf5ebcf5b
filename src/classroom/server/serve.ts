import {randomBytes} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import {networkInterfaces} from 'node:os';
import {UsageError} from '../../errors.ts';
import {createClassroomServer, type ServerOptions} from './http.ts';
import {courseSteps, loadClass} from './load-class.ts';
import {classSummary} from './stats.ts';

/**
 * All interfaces, port 7420: students join from their own machines or VMs on the classroom's LAN,
 * so loopback alone would reach nobody; 7420 is an unprivileged port no common service uses.
 */
const defaultListen = '0.0.0.0:7420';

const parseListen = (listen: string) => {
	const match = /^(\[[\da-f:]+]|[\w.-]+):(\d{1,5})$/i.exec(listen);
	const port = Number(match?.[2]);
	if (!match || port > 65_535) {
		throw new UsageError(`--listen must be HOST:PORT (got "${listen}")`);
	}

	return {host: match[1]!.replaceAll(/^\[|]$/g, ''), port};
};

/** The address students type: the LAN's when listening on every interface, else the one listened on. */
const publicHost = (host: string) => {
	if (host !== '0.0.0.0' && host !== '::') {
		return host.includes(':') ? `[${host}]` : host;
	}

	// Reads the interfaces' addresses only, to print a reachable one.
	for (const addresses of Object.values(networkInterfaces())) {
		const lan = addresses?.find(address => address.family === 'IPv4' && !address.internal);
		if (lan) {
			return lan.address;
		}
	}

	return '127.0.0.1';
};

export type RunningClassroom = {
	join: string;
	dashboard: string;
	listen: string;
	/** One line for the instructor's terminal: joined, where the class is, stuck, waiting for help. */
	summary(): string;
	close(): Promise<void>;
};

/** Opens the database (schema made on start), folds the stored events into the class model, and listens. */
export const startClassroom = async (options: {listen?: string; database?: string; lessonsDir?: string; limits?: ServerOptions['limits']}): Promise<RunningClassroom> => {
	const {host, port} = parseListen(options.listen ?? defaultListen);
	const steps = courseSteps(options.lessonsDir);
	const {store, model} = await loadClass(options.database);
	const classKey = await store.classKey();
	// A fresh instructor token each start, never stored: the dashboard's address is printed only here.
	const instructorToken = randomBytes(24).toString('base64url');
	const {createDashboard} = await import('./dashboard.ts');
	const dashboard = createDashboard({model, store, steps});
	const server = createClassroomServer({store, model, classKey, instructorToken, steps, limits: options.limits, dashboard});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const address = server.address() as AddressInfo;
	const shown = `${publicHost(host)}:${address.port}`;
	return {
		join: `rootcamp join http://${shown}/class/${classKey} --name "YOUR NAME"`,
		dashboard: `http://${shown}/dashboard?token=${instructorToken}`,
		listen: `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
		summary: () => classSummary(model, steps),
		async close() {
			dashboard.close();
			server.closeAllConnections();
			await new Promise(resolve => {
				server.close(resolve);
			});
			await store.close();
		},
	};
};
