'use strict';
/**
 * n8n 2.41.1's editor as a user drives it, through the data-test-id attributes n8n's own end-to-end tests use: sign in, open a
 * workflow, add nodes from the node creator, fill and choose parameters, run a node and read its output, fill the credential
 * form. Dropdown entries are clicked through the DOM (not at screen coordinates): Element Plus animates its menus, and a click
 * at a moving item's old place lands on its neighbour.
 */
const WAIT_MS = 60_000;

const OPEN_POPPER = '.el-select__popper[aria-hidden="false"]';
const OPEN_MENU_ITEMS = `${OPEN_POPPER} .el-select-dropdown__item`;
const OPTION_ITEMS = `${OPEN_POPPER} [data-test-id="collection-parameter-option"]`;
const param = (name) => `[data-test-id="parameter-input-${name}"]`;

class EditorPage {
	constructor(page, baseUrl) {
		this.page = page;
		this.baseUrl = baseUrl;
		page.setDefaultTimeout(WAIT_MS);
		/** Console errors and uncaught exceptions of the page, with the URL they came from. */
		this.errors = [];
		page.on('console', (message) => {
			if (message.type() !== 'error') return;
			const url = message.location()?.url ?? '';
			// The editor looks community packages up on registry.npmjs.org, unreachable here: not the panel's doing.
			if (message.text().startsWith('Failed to load resource') && !url.startsWith(baseUrl)) return;
			this.errors.push(`console error: ${message.text()} (${url})`);
		});
		page.on('pageerror', (error) => this.errors.push(`uncaught: ${error.message}`));
	}

	async signIn({ email, password }) {
		await this.page.goto(`${this.baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
		await this.page.waitForSelector('input[name="emailOrLdapLoginId"]');
		await this.page.type('input[name="emailOrLdapLoginId"]', email);
		await this.page.type('input[name="password"]', password);
		await this.page.keyboard.press('Enter');
		await this.page.waitForFunction(() => !location.pathname.startsWith('/signin'));
	}

	async openWorkflow(workflowId) {
		await this.page.goto(`${this.baseUrl}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
		await this.page.waitForSelector('[data-test-id="canvas-node"]');
	}

	/** The first visible element under `selector` whose first line of text is `text`. */
	async waitForText(selector, text) {
		try {
			const reads = (selector, text) => [...document.querySelectorAll(selector)].find((e) => e.offsetWidth > 0 && e.innerText.split('\n')[0].trim() === text);
			return (await this.page.waitForFunction(reads, {}, selector, text)).asElement();
		} catch (error) {
			throw new Error(`nothing visible reads "${text}" (${selector}): ${error.message}`);
		}
	}

	async clickText(selector, text) {
		const element = await this.waitForText(selector, text);
		await element.evaluate((e) => e.click());
	}

	/**
	 * Opens the node creator (`opener`: the + after the last node, or the canvas's + button), searches `search`, opens the node
	 * `nodeName` (the search by default) and picks `action`; optionally under a category first (e.g. "Triggers (1)"). Resolves
	 * once the node's panel is open.
	 */
	async addNode({ opener, search, nodeName = search, category, action }) {
		await this.page.click(opener);
		await this.page.waitForSelector('[data-test-id="node-creator-search-bar"]');
		await this.page.type('[data-test-id="node-creator-search-bar"]', search);
		await this.clickText('[data-test-id="node-creator-item-name"]', nodeName);
		if (category) await this.clickText('[data-test-id="node-creator-category-item"]', category);
		await this.clickText('[data-test-id="node-creator-item-name"]', action);
		await this.page.waitForSelector('[data-test-id="ndv"] [data-test-id="node-parameters"]');
	}

	/** Types into a parameter's text field (replacing what is there) and leaves the field. */
	async fill(name, value) {
		const field = await this.page.waitForSelector(`${param(name)} input, ${param(name)} textarea`);
		await field.click({ clickCount: 3 });
		await field.evaluate((e) => e.select?.());
		await this.page.keyboard.press('Backspace');
		await field.type(String(value));
		await this.page.waitForFunction((field, value) => field.value === value, {}, field, String(value));
		await this.page.keyboard.press('Tab');
		// n8n takes a typed value over after a short debounce
		await new Promise((resolve) => setTimeout(resolve, 500));
	}

	/**
	 * Opens a dropdown by clicking `selector`. A click that only takes the focus from another dropdown opens nothing, so it
	 * clicks again until a menu is open.
	 */
	async openMenu(selector, items) {
		for (let attempt = 1; ; attempt++) {
			await this.page.click(selector);
			try {
				await this.page.waitForSelector(items, { visible: true, timeout: 5_000 });
				return;
			} catch (error) {
				if (attempt === 3) throw new Error(`${selector} opened no menu: ${error.message}`);
			}
		}
	}

	/** Picks `label` in a parameter's dropdown (nothing to do when it is already chosen). */
	async choose(name, label) {
		if ((await this.page.$eval(`${param(name)} input`, (e) => e.value)) === label) return;
		await this.openMenu(`${param(name)} input`, OPEN_MENU_ITEMS);
		await this.clickText(OPEN_MENU_ITEMS, label);
		await this.page.waitForFunction((selector, label) => document.querySelector(selector)?.value === label, {}, `${param(name)} input`, label);
	}

	/** The entries a parameter's dropdown offers (it is closed again afterwards). */
	async menuEntries(name) {
		await this.openMenu(`${param(name)} input`, OPEN_MENU_ITEMS);
		const entries = await this.page.$$eval(OPEN_MENU_ITEMS, (items) => items.map((e) => e.innerText.split('\n')[0].trim()));
		// a second click closes it (Escape would close the whole panel)
		await this.page.click(`${param(name)} input`);
		await this.menuClosed();
		return entries;
	}

	/** The entries of the Options collection's "Add option" menu (closed again afterwards). */
	async optionEntries() {
		await this.openMenu('[data-test-id="collection-parameter-add"]', OPTION_ITEMS);
		const entries = await this.page.$$eval(OPTION_ITEMS, (items) => items.map((e) => e.innerText.trim()));
		await this.page.keyboard.press('Escape');
		await this.menuClosed();
		return entries;
	}

	async menuClosed() {
		await this.page.waitForFunction((popper) => !document.querySelector(popper), {}, OPEN_POPPER);
	}

	async addOption(label) {
		await this.openMenu('[data-test-id="collection-parameter-add"]', OPTION_ITEMS);
		await this.clickText(OPTION_ITEMS, label);
		await this.waitForText('[data-test-id="node-parameters"] [data-test-id="input-label"]', label);
	}

	async switchOn(name) {
		const toggle = await this.page.waitForSelector(`${param(name)} .el-switch`);
		if (!(await toggle.evaluate((e) => e.classList.contains('is-checked')))) await toggle.click();
		await this.page.waitForSelector(`${param(name)} .el-switch.is-checked`);
	}

	/**
	 * The panel's top-level parameters as shown: label, hint and placeholder of each, Resource and Operation left out (nested
	 * ones, e.g. added options, belong to their collection).
	 */
	async shownParameters() {
		return this.page.$$eval('[data-test-id="node-parameters"] [data-test-id="parameter-item"]', (items) =>
			items
				.filter((item) => item.offsetWidth > 0 && !item.parentElement.closest('[data-test-id="parameter-item"]'))
				.map((item) => {
					const labels = item.querySelectorAll('[data-test-id="input-label"]');
					const label = labels[labels.length - 1]?.innerText.split('\n')[0].trim() ?? '';
					const field = item.querySelector('input[placeholder], textarea[placeholder]');
					return { label, text: item.innerText, placeholder: field?.getAttribute('placeholder') ?? '' };
				})
				.filter(({ label }) => label !== 'Resource' && label !== 'Operation'),
		);
	}

	/**
	 * Runs the open node ("Execute step") and waits until its output panel shows a successful run whose text contains
	 * `expected` (e.g. the capability in the task id: a new run, not the last one); throws with the panel's text when the run
	 * failed.
	 */
	async executeStep(expected) {
		await this.page.click('[data-test-id="node-execute-button"]');
		const ended = (expected) => {
			const panel = document.querySelector('[data-test-id="output-panel"]');
			if (!panel) return false;
			if (panel.querySelector('[data-test-id*="error"]')) return 'failed';
			return panel.querySelector('[data-test-id="node-run-status-success"]') && panel.innerText.includes(expected) ? 'succeeded' : false;
		};
		const state = await this.page.waitForFunction(ended, { timeout: 120_000 }, expected);
		const shown = await this.page.$eval('[data-test-id="output-panel"]', (e) => e.innerText);
		if ((await state.jsonValue()) !== 'succeeded') throw new Error(`the run failed; the output panel shows:\n${shown}`);
	}

	/** The output's Table view: its column headers and the cells of its first row. */
	async outputTable() {
		await this.page.click('[data-test-id="output-panel"] [data-test-id="radio-button-table"]');
		await this.page.waitForSelector('[data-test-id="output-panel"] table td');
		return this.page.$eval('[data-test-id="output-panel"] table', (table) => ({
			headers: [...table.querySelectorAll('th')].map((e) => e.innerText.trim()).filter(Boolean),
			firstRow: [...table.querySelectorAll('tbody tr:first-child > td')].map((e) => e.innerText.trim()),
		}));
	}

	/** The output's Binary view: the text of its first file card. */
	async outputBinary() {
		await this.page.click('[data-test-id="output-panel"] [data-test-id="radio-button-binary"]');
		const card = await this.page.waitForSelector('[data-test-id="output-panel"] [data-test-id="ndv-binary-data_0"]');
		return card.evaluate((e) => e.innerText);
	}

	async closePanel() {
		await this.page.click('[data-test-id="ndv-close-button"]');
		await this.page.waitForSelector('[data-test-id="ndv"]', { hidden: true });
	}

	/** Waits until the element under `selector` shows `text`; resolves with all its text. */
	async waitForContent(selector, text) {
		await this.page.waitForFunction((selector, text) => document.querySelector(selector)?.innerText.includes(text), {}, selector, text);
		return this.page.$eval(selector, (e) => e.innerText);
	}

	/** A screenshot without n8n's toasts ("Credential saved"...), which would cover the panel. */
	async screenshot(file) {
		await this.page.$$eval('.el-notification__closeBtn', (buttons) => buttons.forEach((button) => button.click()));
		await this.page.waitForFunction(() => !document.querySelector('.el-notification'));
		await this.page.screenshot({ path: file });
	}
}

module.exports = { EditorPage };
