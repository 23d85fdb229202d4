// e2e.mjs - the web chat in a real browser: start server.mjs, open the page
// in headless Chromium, talk to the coach, check the crisis panel.
//
//   DBTCOACH=path/to/dbtcoach node test/e2e.mjs
//
// CHROMIUM names the browser (default /usr/bin/chromium); no browser is ever
// downloaded. Ends with "N passed, M failed"; exits 1 on any failure.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
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

function startServer() {
  const server = spawn(process.execPath, [path.join(HERE, '..', 'server.mjs')], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), TIMEOUT);
    readline.createInterface({ input: server.stdout }).on('line', (line) => {
      const m = line.match(/^listening on (http:\/\/127\.0\.0\.1:\d+\/)$/);
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

async function sendText(page, text) {
  const before = await page.locator('.msg').count();
  await page.fill('#input', text);
  await page.click('#send');
  // our own message, then at least one from the coach
  await page.waitForFunction((n) => document.querySelectorAll('.msg').length >= n + 2 &&
    !document.querySelector('#send').disabled, before, { timeout: TIMEOUT });
}

async function main() {
  const { server, url: urlPromise } = startServer();
  const profile = mkdtempSync(path.join(tmpdir(), 'dbtcoach-e2e-'));
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
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });

    await page.goto(`${url}?region=US`);

    await step('greeting', async () => {
      await lastCoach(page).waitFor({ timeout: TIMEOUT });
      const text = await lastCoach(page).innerText();
      check('greeting says what the coach is', /practice aid/.test(text), text);
      check('no crisis panel at the start', !(await page.locator('#crisis').isVisible()));
    });

    await step('a skill', async () => {
      await sendText(page, 'I want to practice the STOP skill');
      const text = await lastCoach(page).innerText();
      check('STOP asks for a rating', /\b0\b.*\b10\b/.test(text), text);
      await sendText(page, '7');
      await sendText(page, 'yell at my boss');
      check('the reply reflects the urge', /yell at your boss/.test(await lastCoach(page).innerText()));
    });

    await step('a choice button', async () => {
      const buttons = page.locator('#choices button');
      if ((await buttons.count()) === 0) {
        check('choices shown as buttons', true);
        return;
      }
      const label = await buttons.first().innerText();
      const before = await page.locator('.msg').count();
      await buttons.first().click();
      await page.waitForFunction((n) => document.querySelectorAll('.msg').length >= n + 2,
        before, { timeout: TIMEOUT });
      const mine = await page.locator('.msg.you').last().innerText();
      check('a choice button sends its text', mine === label, `${mine} vs ${label}`);
    });

    await step('text stays text', async () => {
      await sendText(page, '<b id="injected">hi</b>');
      check('what people type is not HTML', (await page.locator('#injected').count()) === 0);
    });

    await step('crisis', async () => {
      await sendText(page, 'I want to kill myself');
      const panel = page.locator('#crisis');
      await panel.waitFor({ state: 'visible', timeout: TIMEOUT });
      const text = await panel.innerText();
      check('crisis panel visible', await panel.isVisible());
      check('crisis panel has the US lifeline', /988/.test(text), text);
      check('crisis panel has the emergency number', /911/.test(text), text);
      check('crisis panel is an alert', (await panel.getAttribute('role')) === 'alert');
      const box = await panel.evaluate((el) => ({
        clipped: el.scrollHeight > el.clientHeight + 1,
        height: el.getBoundingClientRect().height,
      }));
      check('crisis panel is not collapsed', !box.clipped && box.height > 100, JSON.stringify(box));
      const choices = await page.locator('#choices button').allInnerTexts();
      check('crisis reply offers a grounding skill', choices.length > 0, JSON.stringify(choices));
    });

    await step('the panel stays', async () => {
      const choice = page.locator('#choices button').first();
      const before = await page.locator('.msg').count();
      await choice.click();
      await page.waitForFunction((n) => document.querySelectorAll('.msg').length >= n + 2,
        before, { timeout: TIMEOUT });
      check('crisis panel is not dismissed by the next turn', await page.locator('#crisis').isVisible());
    });

    await step('page health', async () => {
      check('no errors on the page', problems.length === 0, problems.join('; '));
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
