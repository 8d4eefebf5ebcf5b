import {cgroupsFact} from './cgroups.ts';
import {containerFact} from './container.ts';
import {devFact} from './dev.ts';
import {faasFact} from './faas.ts';
import type {Fact} from './fact.ts';
import {filesFact} from './files.ts';
import {hostnameFact} from './hostname.ts';
import {jailFact} from './jail.ts';
import {layersFact} from './layers.ts';
import {linksFact} from './links.ts';
import {mountsFact} from './mounts.ts';
import {packagesFact} from './packages.ts';
import {rootlessFact} from './rootless.ts';
import {routesFact} from './routes.ts';
import {runtimeFact} from './runtime.ts';

/**
 * Every kind of host fact the lessons watch, in the order "what changed" tells them: the
 * container first, then what it sees, what the host has, the rootfs, and the lessons beyond
 * the write-up. A new fact is its module and one line here.
 */
export const facts: readonly Fact[] = [
	containerFact,
	hostnameFact,
	mountsFact,
	devFact,
	linksFact,
	routesFact,
	filesFact,
	packagesFact,
	cgroupsFact,
	jailFact,
	rootlessFact,
	layersFact,
	runtimeFact,
	faasFact,
];
