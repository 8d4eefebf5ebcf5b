// Preloaded by a test: this process behaves as if better-sqlite3 were not installed, as after a
// learner's `npm ci` on a host without a C compiler.
const Module = require('node:module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
	if (request === 'better-sqlite3') {
		const error = new Error('Cannot find module \'better-sqlite3\'');
		error.code = 'MODULE_NOT_FOUND';
		throw error;
	}

	return resolve.call(this, request, ...rest);
};
