/** The message of anything thrown, for a red line in the UI (never a stack trace). */
export function errorMessage(error: unknown): string {
	if (error instanceof Error) {
		return error.message || error.name;
	}

	return String(error);
}
