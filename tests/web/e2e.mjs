// e2e.mjs - the web chat served by `dbtcoach serve`, in a real browser:
// start the server on 127.0.0.1, open the page in headless Chromium, and use
// it as a person would, with the mouse and with the keyboard only.
//
//   DBTCOACH=path/to/dbtcoach node tests/web/e2e.mjs
//
// CHROMIUM names the browser (default /usr/bin/chromium); no browser is ever
// downloaded. Ends with "N passed, M failed"; exits 1 on any failure.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

const BIN = process.env.DBTCOACH || 'dbtcoach';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 15000;

let passed = 0;
let failed = 0;
function check(name, cond, detail = '') {
  if (cond) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL: ${name}${detail ? `: ${detail}` : ''}`);
  }
}

// Run one step; an exception (a timeout, a missing element) is a failure of
// that step and the test goes on to the next.
async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    check(name, false, e.message.split('\n')[0]);
  }
}

// The server: `dbtcoach serve`, or with RELAY=1 the Node relay of
// examples/web, which serves the same page over `dbtcoach --jsonl`.
function startServer() {
  const server = process.env.RELAY
    ? spawn(process.execPath, [path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'examples', 'web', 'server.mjs')], {
        env: { ...process.env, PORT: '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(BIN, ['serve', '--listen', '127.0.0.1:0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), TIMEOUT);
    readline.createInterface({ input: server.stdout }).on('line', (line) => {
      const m = line.match(/^listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return { server, url };
}

const lastCoach = (page) => page.locator('.msg.coach').last();

async function waitReply(page, before) {
  // our own message, then at least one from the coach
  await page.waitForFunction((n) => document.querySelectorAll('.msg').length >= n + 2 &&
    !document.querySelector('#send').disabled, before, { timeout: TIMEOUT });
}

async function sendText(page, text) {
  const before = await page.locator('.msg').count();
  await page.fill('#input', text);
  await page.click('#send');
  await waitReply(page, before);
}

async function main() {
  const { server, url: urlPromise } = startServer();
  const profile = mkdtempSync(path.join(tmpdir(), 'dbtcoach-web-'));
  let context;
  try {
    const url = await urlPromise;
    check('server binds to 127.0.0.1', url.startsWith('http://127.0.0.1:'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = context.pages()[0] || (await context.newPage());
    const problems = [];
    const outside = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) outside.push(r.url());
    });

    await page.goto(`${url}?region=US`);

    await step('load and greet', async () => {
      await lastCoach(page).waitFor({ timeout: TIMEOUT });
      const text = await lastCoach(page).innerText();
      check('greeting says what the coach is', /practice aid/.test(text), text);
      check('no crisis panel at the start', !(await page.locator('#crisis').isVisible()));
      check('the message box has a label',
        (await page.locator('label[for="input"]').count()) === 1);
      check('replies are in a polite live region',
        (await page.locator('#log').getAttribute('aria-live')) === 'polite');
      check('the message box has the focus',
        await page.evaluate(() => document.activeElement?.id === 'input'));
    });

    await step('keyboard only', async () => {
      const before = await page.locator('.msg').count();
      await page.focus('#input');
      await page.keyboard.type('I want to practice the STOP skill');
      await page.keyboard.press('Enter');
      await waitReply(page, before);
      const text = await lastCoach(page).innerText();
      check('Enter sends; STOP asks for a rating', /\b0\b.*\b10\b/.test(text), text);
      // Tab order: the help button first, then the message box and Send.
      await page.click('h1');
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => document.activeElement?.id);
      check('Tab reaches "Help now" first', first === 'help-now', first);
    });

    await step('walk a step', async () => {
      await sendText(page, '7');
      await sendText(page, 'yell at my boss');
      check('the reply reflects the urge', /yell at your boss/.test(await lastCoach(page).innerText()));
    });

    await step('choose by button', async () => {
      const buttons = page.locator('#choices button');
      await buttons.first().waitFor({ timeout: TIMEOUT });
      const label = await buttons.first().innerText();
      const before = await page.locator('.msg').count();
      await buttons.first().focus();
      await page.keyboard.press('Enter');
      await waitReply(page, before);
      const mine = await page.locator('.msg.you').last().innerText();
      check('a choice button sends its text', mine === label, `${mine} vs ${label}`);
      check('the step moved on', /\bT\b|Take a step back/i.test(await lastCoach(page).innerText()),
        await lastCoach(page).innerText());
    });

    await step('text stays text', async () => {
      await sendText(page, '<b id="injected">hi</b>');
      check('what people type is not HTML', (await page.locator('#injected').count()) === 0);
    });

    await step('a crisis reply shows the lines', async () => {
      await sendText(page, 'I want to kill myself');
      const panel = page.locator('#crisis');
      await panel.waitFor({ state: 'visible', timeout: TIMEOUT });
      const text = await panel.innerText();
      check('crisis panel has the US lifeline', /988/.test(text), text);
      check('crisis panel has the emergency number', /911/.test(text), text);
      check('crisis panel is an alert', (await panel.getAttribute('role')) === 'alert');
      const box = await panel.evaluate((el) => ({
        clipped: el.scrollHeight > el.clientHeight + 1,
        height: el.getBoundingClientRect().height,
      }));
      check('crisis panel is not collapsed', !box.clipped && box.height > 100, JSON.stringify(box));
      const choices = await page.locator('#choices button').allInnerTexts();
      check('crisis reply offers grounding', choices.includes('breathe with me'),
        JSON.stringify(choices));
    });

    await step('the breathing pacer', async () => {
      const before = await page.locator('.msg').count();
      await page.locator('#choices button', { hasText: 'breathe with me' }).click();
      await waitReply(page, before);
      const timer = page.locator('#timer');
      await timer.waitFor({ state: 'visible', timeout: TIMEOUT });
      check('the pacer is shown', await page.locator('#pacer').isVisible());
      check('the pacer says what to do', /Breathe in/.test(await timer.innerText()),
        await timer.innerText());
      await page.waitForFunction(() => /Breathe out/.test(document.querySelector('#timer').innerText),
        null, { timeout: 8000 });
      check('the pacer moves on to the out-breath', true);
      check('the crisis panel stays', await page.locator('#crisis').isVisible());
    });

    await step('a kept safety plan comes back after a reload', async () => {
      await page.evaluate(() => localStorage.setItem('dbtcoach.plan', JSON.stringify({
        reasons: ['my dog Biscuit'], people: [{ name: 'Sam', phone: '555 0100' }],
        coping: ['cold water on my face'],
      })));
      await page.reload();
      await page.locator('.msg.coach').first().waitFor({ timeout: TIMEOUT });
      const forget = page.locator('#forget-plan');
      check('"Forget my plan" is shown when a plan is kept', await forget.isVisible());
      await sendText(page, 'i want to kill myself');
      const panel = page.locator('#crisis');
      await panel.waitFor({ state: 'visible', timeout: TIMEOUT });
      const text = await panel.innerText();
      check('the crisis reply puts the plan first', /Biscuit/.test(text) && /Sam/.test(text), text);
      check('and still has the lines', /988/.test(text) && text.indexOf('Biscuit') < text.indexOf('988'),
        text);
      await forget.click();
      check('"Forget my plan" removes it from the browser',
        (await page.evaluate(() => localStorage.getItem('dbtcoach.plan'))) === null);
      check('the button goes once the plan is forgotten', !(await forget.isVisible()));
    });

    await step('page health', async () => {
      check('no errors on the page', problems.length === 0, problems.join('; '));
      check('no request leaves the server', outside.length === 0, outside.join(' '));
    });
  } catch (e) {
    check('setup', false, e.message.split('\n')[0]);
  } finally {
    if (context) await context.close().catch(() => {});
    server.kill('SIGTERM');
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
