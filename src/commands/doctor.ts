import {sandboxFindings} from '../sandbox/doctor.ts';
import {diagnose} from '../workshop/doctor.ts';
import {paint, type Output} from './output.ts';

/** `rootcamp doctor`: can this host do the workshop? Exit 3 when something essential is missing. */
export const doctorCommand = async (output: Output, json: boolean, image?: string): Promise<number> => {
	const findings = [...await diagnose(image), ...sandboxFindings()];
	if (json) {
		output.out(JSON.stringify({findings}));
	} else {
		for (const finding of findings) {
			output.out(`${finding.ok ? paint(output, 'pass', '✓') : paint(output, 'fail', '✗')} ${finding.name}: ${finding.detail}`);
			if (finding.fix) {
				output.out(`    → ${finding.fix}`);
			}
		}
	}

	return findings.every(finding => finding.ok) ? 0 : 3;
};
