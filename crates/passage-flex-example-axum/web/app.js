// The page's part of the flow: ask the backend for a transaction, run the passkey ceremony with
// Passage's browser SDK, hand the nonce back to the backend, which verifies it.
import { PassageFlex } from '@passageidentity/passage-flex-js';

const config = await (await fetch('/config.json')).json();

// The SDK always calls https://auth.passage.id/v1 and looks up the global fetch on every call.
// When the backend runs against the local emulator, send those calls to the emulator instead;
// against Passage itself (config.passage_api is null) nothing changes.
if (config.passage_api) {
  const passage = 'https://auth.passage.id/v1';
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(passage)) return realFetch(input, init);
    const local = config.passage_api + url.slice(passage.length);
    return realFetch(input instanceof Request ? new Request(local, input) : local, init);
  };
}

const flex = new PassageFlex(config.app_id);
const $ = (id) => document.getElementById(id);

function status(message, isError = false) {
  $('status').textContent = message;
  $('status').className = isError ? 'error' : '';
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  // Logging out answers with a redirect to the server-rendered page: only JSON is read.
  const isJson = (response.headers.get('content-type') || '').includes('application/json');
  const data = isJson ? await response.json() : {};
  if (!response.ok) throw new Error(data.error || `${method} ${path}: ${response.status}`);
  return data;
}

async function showPasskeys() {
  const me = await fetch('/api/passkeys');
  const signedIn = me.ok;
  $('signed-in').hidden = !signedIn;
  $('signed-out').hidden = signedIn;
  if (!signedIn) return;
  const { passkeys } = await me.json();
  const list = $('passkeys');
  list.replaceChildren();
  for (const passkey of passkeys) {
    const item = document.createElement('li');
    item.dataset.passkey = passkey.id;
    const button = document.createElement('button');
    button.textContent = 'Revoke';
    button.addEventListener('click', () => run(async () => {
      await call('DELETE', `/api/passkeys/${encodeURIComponent(passkey.id)}`);
      status(`Revoked ${passkey.name}.`);
      await showPasskeys();
    }));
    const uses = `used ${passkey.uses} time${passkey.uses === 1 ? '' : 's'}`;
    item.append(`${passkey.name} (${uses}) `, button);
    list.append(item);
  }
  if (passkeys.length === 0) list.append('No passkeys left.');
}

async function run(step) {
  try {
    await step();
  } catch (error) {
    status(error.message || String(error), true);
  }
}

$('register').addEventListener('click', () => run(async () => {
  const username = $('username').value;
  const { transaction_id } = await call('POST', '/auth/register/start', { username });
  const nonce = await flex.passkey.register(transaction_id);
  const { username: who } = await call('POST', '/auth/register/finish', { nonce });
  $('who').textContent = who;
  status(`Welcome, ${who}: your passkey is registered.`);
  await showPasskeys();
}));

$('login').addEventListener('click', () => run(async () => {
  const username = $('username').value;
  const { transaction_id } = await call('POST', '/auth/login/start', { username });
  const nonce = await flex.passkey.authenticate({ transactionId: transaction_id });
  const { username: who } = await call('POST', '/auth/login/finish', { nonce });
  $('who').textContent = who;
  status(`Logged in as ${who}.`);
  await showPasskeys();
}));

$('logout').addEventListener('click', () => run(async () => {
  await call('POST', '/auth/logout');
  status('Logged out.');
  await showPasskeys();
}));

await showPasskeys();
document.body.dataset.ready = 'true';
