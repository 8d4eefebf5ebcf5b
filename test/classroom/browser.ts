import puppeteer, {type Browser, type Page} from 'puppeteer-core';

export const chromium = '/usr/bin/chromium';

/** Where screenshots go: outside test/, since nothing under test/ may be git-ignored (test/tracked.test.ts) and a screenshot must be. */
export const artifacts = new URL('../../artifacts/', import.meta.url).pathname;

/** Headless Chromium from Debian, never a downloaded one; every name but loopback resolves to nothing. */
export const launch = async (): Promise<Browser> => puppeteer.launch({
	executablePath: chromium,
	headless: true,
	args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});

// The page's side is written as expressions the browser evaluates: this project's TypeScript knows Node, not the DOM.
export const inPage = async <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;

export const waitIn = async (page: Page, expression: string, timeout = 3000) => {
	await page.waitForFunction(expression, {timeout});
};
