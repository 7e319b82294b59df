// The axum example's page, with Passage's official browser SDK, in Debian's Chromium with the
// DevTools virtual authenticator: register, list, log out, log in, revoke, log in refused.
// The backend runs against its in-process emulator, which verifies every WebAuthn ceremony.
//
// Needs: the example built (`cargo build -p passage-flex-example-axum`), `npm ci` here and in
// crates/passage-flex-example-axum, and Chromium (`apt-get install chromium`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const backendBinary =
  process.env.EXAMPLE_BIN ?? path.join(root, 'target/debug/passage-flex-example-axum');
const screenshots = path.join(root, 'target/browser-test');

let backend;
let browser;
let origin;

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForBackend(url, deadline) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the backend did not answer ${url} in time`);
}

before(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  // Without PASSAGE_APP_ID and PASSAGE_API_KEY the backend runs its own emulator.
  const { PASSAGE_APP_ID, PASSAGE_API_KEY, ...env } = process.env;
  backend = spawn(backendBinary, [], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  backend.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`the backend exited with ${code}`);
  });
  await waitForBackend(`${origin}/config.json`, Date.now() + 20_000);
  const runningAsRoot = process.getuid?.() === 0;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: runningAsRoot ? ['--no-sandbox'] : [],
  });
});

after(async () => {
  await browser?.close();
  backend?.kill('SIGINT');
});

test('register, log in, list, revoke, and a login refused, with the official browser SDK', async () => {
  const started = Date.now();
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const status = page.locator('#status');

  await page.goto(`${origin}/app`);
  await page.waitForSelector('body[data-ready="true"]');

  // Register: the backend opens a transaction, the SDK creates the passkey with the emulator,
  // the backend verifies the nonce and starts a session.
  await page.fill('#username', 'ada');
  await page.click('#register');
  await status.getByText('Welcome, ada').waitFor();
  await page.locator('#passkeys li').first().waitFor();
  assert.equal(await page.locator('#passkeys li').count(), 1);
  assert.match(await page.locator('#passkeys li').innerText(), /^ada \(used 0 times\)/);
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true);
  assert.equal(credentials[0].rpId, 'localhost');

  // Log out, then log in with the passkey.
  await page.click('#logout');
  await page.locator('#signed-out').waitFor();
  await page.fill('#username', 'ada');
  await page.click('#login');
  await status.getByText('Logged in as ada').waitFor();
  await page.locator('#passkeys li').getByText('used 1 time)').waitFor();
  await mkdir(screenshots, { recursive: true });
  const screenshot = path.join(screenshots, 'after-login.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot after login: ${screenshot}`);

  // Revoke the only passkey: the list empties, and the next login is refused.
  await page.locator('#passkeys li button').click();
  await page.locator('#passkeys').getByText('No passkeys left').waitFor();
  await page.click('#logout');
  await page.locator('#signed-out').waitFor();
  await page.fill('#username', 'ada');
  await page.click('#login');
  await page.locator('#status.error').waitFor();
  assert.match(await status.innerText(), /no passkey/i);
  assert.equal(await page.locator('#signed-in').isHidden(), true);

  console.log(`browser flow took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
