// The emulator's console (GET /emulator/) in Debian's Chromium: it shows the app's settings,
// users with their passkeys, open transactions and recent API requests, never the API key; it
// loads nothing but itself; and its Revoke and Delete buttons change the emulator's state.
//
// Needs: Chromium (`apt-get install chromium`), `npm ci` here, and cargo (the emulator binary is
// built if EMULATOR_BIN does not name one).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screenshots = path.join(root, 'target/browser-test');
const stateFile = path.join(screenshots, 'console-state.json');
const appId = 'console_app';
const apiKey = 'sk_console_test_key_never_shown';
// base64url of a made-up 32-byte certificate hash.
const androidOrigin = `android:apk-key-hash:${Buffer.alloc(32, 7).toString('base64url')}`;

let emulator;
let browser;
let base;

function emulatorBinary() {
  if (process.env.EMULATOR_BIN) return process.env.EMULATOR_BIN;
  const built = spawnSync('cargo', ['build', '--quiet', '-p', 'passage-flex-emulator'], {
    cwd: root,
    stdio: 'inherit',
  });
  assert.equal(built.status, 0, 'cargo build -p passage-flex-emulator');
  return path.join(root, 'target/debug/passage-flex-emulator');
}

async function startEmulator(binary) {
  const child = spawn(
    binary,
    [
      '--port', '0',
      '--app-id', appId,
      '--api-key', apiKey,
      '--app-name', 'Console test app',
      '--auth-origin', 'https://www.example.com',
      '--rp-id', 'example.com',
      '--android-origin', androidOrigin,
      '--state-file', stateFile,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'info' } },
  );
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator did not log its address')), 20_000);
    child.on('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
    // Keep reading every line, so the emulator never blocks on a full pipe.
    createInterface({ input: child.stdout }).on('line', (line) => {
      const found = line.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    });
  });
  return { child, url };
}

async function api(method, rest, body) {
  const response = await fetch(`${base}/v1/apps/${appId}${rest}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function registerTransaction(externalId, name) {
  const { status, json } = await api('POST', '/transactions/register', {
    external_id: externalId,
    passkey_display_name: name,
  });
  assert.equal(status, 201);
  return json.transaction_id;
}

async function withPasskey(externalId, name) {
  const transaction = await registerTransaction(externalId, name);
  const done = await fetch(
    `${base}/emulator/apps/${appId}/transactions/${transaction}/complete`,
    { method: 'POST' },
  );
  assert.equal(done.status, 200);
}

async function userNamed(externalId) {
  const { json } = await api('GET', `/users?identifier=${encodeURIComponent(externalId)}`);
  const found = json.users.find((user) => user.external_id === externalId);
  return found ? (await api('GET', `/users/${found.id}`)).json.user : null;
}

before(async () => {
  await mkdir(screenshots, { recursive: true });
  for (const stale of [stateFile, `${stateFile}.tmp`, `${stateFile}.lock`]) {
    await rm(stale, { force: true });
  }
  emulator = await startEmulator(emulatorBinary());
  base = emulator.url;
  const runningAsRoot = process.getuid?.() === 0;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: runningAsRoot ? ['--no-sandbox'] : [],
  });
});

after(async () => {
  await browser?.close();
  emulator?.child.kill('SIGINT');
});

test('the console shows settings, users, passkeys, transactions and requests, and its buttons work', async () => {
  const started = Date.now();
  await withPasskey('ada', "Ada's laptop");
  await withPasskey('ada', "Ada's phone");
  const odd = 'bob <b>&amp;</b>';
  await withPasskey(odd, 'Bob <i>key</i>');
  await registerTransaction('carol', "Carol's first passkey");
  assert.equal((await api('POST', '/transactions/authenticate', { external_id: 'ada' })).status, 201);
  assert.equal((await api('GET', '/users/no_such_user')).status, 404);

  const page = await browser.newPage();
  const loaded = [];
  page.on('request', (request) => loaded.push(request.url()));
  await page.goto(`${base}/emulator/`);

  // Settings, and no API key anywhere on the page.
  const settings = page.locator('#settings');
  assert.match(await settings.innerText(), new RegExp(`App ID\\s+${appId}`));
  assert.match(await settings.innerText(), /RP ID\s+example\.com/);
  assert.match(await settings.innerText(), /iOS origin\s+https:\/\/example\.com/);
  assert.ok((await settings.innerText()).includes(androidOrigin));
  assert.ok((await settings.innerText()).includes(stateFile));
  assert.ok(!(await page.content()).includes(apiKey), 'the API key is never shown');

  // Users, newest first, each with their passkeys; markup in names is shown as text.
  const users = page.locator('#users tbody tr');
  assert.equal(await users.count(), 3);
  assert.deepEqual(
    await users.evaluateAll((rows) => rows.map((row) => row.dataset.externalId)),
    ['carol', odd, 'ada'],
  );
  const ada = page.locator('#users tr[data-external-id="ada"]');
  assert.equal(await ada.locator('ul.passkeys li').count(), 2);
  assert.match(await ada.innerText(), /Ada's laptop[\s\S]*Ada's phone/);
  const bob = users.nth(1);
  assert.ok((await bob.innerText()).includes('Bob <i>key</i>'));
  assert.equal(await bob.locator('i, b').count(), 0, 'no markup from data');
  assert.match(await page.locator('#users tr[data-external-id="carol"]').innerText(), /pending/);

  // The open transactions: carol's registration and ada's login.
  const transactions = await page.locator('#transactions').innerText();
  assert.match(transactions, /registration\s+carol/);
  assert.match(transactions, /authentication\s+ada/);

  // Recent requests: method, path, status and duration, newest first.
  const requests = page.locator('#requests tbody tr');
  assert.match(
    await requests.first().innerText(),
    new RegExp(`GET\\s+/v1/apps/${appId}/users/no_such_user\\s+404\\s+\\d+\\.\\d ms`),
  );
  assert.match(
    await page.locator('#requests').innerText(),
    new RegExp(`POST\\s+/v1/apps/${appId}/transactions/register\\s+201`),
  );

  // Nothing but the page itself: no script, no stylesheet or font from anywhere.
  assert.equal(await page.locator('script').count(), 0);
  assert.deepEqual(loaded, [`${base}/emulator/`]);

  const screenshot = path.join(screenshots, 'emulator-console.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot of the console: ${screenshot}`);

  // Revoke one of ada's passkeys: the page says so, and the API agrees.
  await ada.locator('ul.passkeys li').first().getByRole('button', { name: 'Revoke' }).click();
  await page.locator('#notice').getByText('Passkey revoked.').waitFor();
  assert.equal(await page.locator('#users tr[data-external-id="ada"] ul.passkeys li').count(), 1);
  assert.equal((await userNamed('ada')).webauthn_devices.length, 1);

  // Delete bob.
  await users.nth(1).getByRole('button', { name: 'Delete user' }).click();
  await page.locator('#notice').getByText('User deleted').waitFor();
  assert.equal(await page.locator('#users tbody tr').count(), 2);
  assert.equal(await userNamed(odd), null);

  // Another site's page cannot press the buttons.
  const carol = await userNamed('carol');
  const forged = await fetch(`${base}/emulator/console/users/${carol.id}/delete`, {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    redirect: 'manual',
  });
  assert.equal(forged.status, 403);
  assert.notEqual(await userNamed('carol'), null);

  console.log(`console flow took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
