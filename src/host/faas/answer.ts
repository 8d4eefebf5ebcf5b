/** The namespaces a request's container must have of its own. */
export const requestNamespaces = ['pid', 'mnt', 'uts', 'ipc', 'net'] as const;
export type RequestNamespace = (typeof requestNamespaces)[number];

/**
 * What the lesson's function prints for `whoami`: `hostname: NAME`, one `readlink
 * /proc/self/ns/KIND` line per namespace (`pid:[4026532246]`) and `interfaces: lo`.
 */
export type FaasAnswer = {
	hostname?: string;
	namespaces: Partial<Record<RequestNamespace, string>>;
	/** The network interfaces it sees (`/proc/net/dev`); undefined when it printed no such line. */
	interfaces?: string[];
};

const namespaceLine = /^(pid|mnt|uts|ipc|net):\[(\d+)]$/;

/** Parses a `whoami` answer; lines it does not know (errors, a banner) are ignored. */
export function parseAnswer(text: string): FaasAnswer {
	const answer: FaasAnswer = {namespaces: {}};
	for (const line of text.split('\n').map(each => each.trim())) {
		const namespace = namespaceLine.exec(line);
		if (namespace) {
			answer.namespaces[namespace[1] as RequestNamespace] = line;
		} else if (line.startsWith('hostname:')) {
			answer.hostname = line.slice('hostname:'.length).trim();
		} else if (line.startsWith('interfaces:')) {
			answer.interfaces = line.slice('interfaces:'.length).trim().split(/\s+/).filter(Boolean);
		}
	}

	return answer;
}

/** A `whoami` answer is whole once its last line, the interfaces, has arrived. */
export const answerComplete = (text: string): boolean => /^interfaces:.*\n/m.test(text);
