// Load for the fault tests: virtual users who sign in (password + security key), register a new
// key, replay their last assertion and sign out, over and over, spread over the portal processes,
// while the test breaks something. A ledger records what the portal acknowledged and what each
// user saw, so the test can check afterwards that nothing acknowledged was lost, that no replay
// or unintended sign-in succeeded, and that every error a user saw was a clear one.
import type { HttpAnswer, WebClient } from './http-client.ts';
import { WebClient as Client, keepAliveAgent } from './http-client.ts';
import { SHARED_ORIGIN } from './processes.ts';
import { SEED_PASSWORD } from './seed.ts';
import type { SoftKey } from './soft-key.ts';

/** A user of the load: an account name and the keys it holds (the seeded one first). */
export interface LoadUser {
  username: string;
  keys: SoftKey[];
}

/** What the portal acknowledged and what users saw. */
export interface Ledger {
  /** Keys whose registration was answered with the nickname page (`/tokens/<id>/edit?new=1`). */
  acknowledgedKeys: { username: string; methodId: string; credentialId: string }[];
  /** Sign-ins answered with `/profile`. */
  acknowledgedSignIns: Map<string, number>;
  /** Sign-ins attempted with the right password and a fresh assertion (the most that may succeed). */
  legitimateAttempts: Map<string, number>;
  /** Replays of a used assertion that signed in (must stay 0). */
  replayWins: number;
  replays: number;
  /** Errors users saw, by kind. */
  connectionErrors: { base: string; message: string }[];
  serviceErrors: number;
  /** Any answer that was neither success nor a clear error (must stay empty). */
  unexpected: string[];
}

/** A new, empty ledger. */
export function newLedger(): Ledger {
  return {
    acknowledgedKeys: [],
    acknowledgedSignIns: new Map(),
    legitimateAttempts: new Map(),
    replayWins: 0,
    replays: 0,
    connectionErrors: [],
    serviceErrors: 0,
    unexpected: [],
  };
}

const CLEAR_SERVICE_ERROR = 'Sorry, there is a problem with the service';

class Step extends Error {}

function inc(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Runs the users until `stop.done` is set. `bases()` gives the processes to use right now
 * (round robin per request); a test that kills a process takes it out of rotation, as a load
 * balancer's health check would, after the users have hit it.
 */
export async function runFaultLoad(
  users: LoadUser[],
  bases: () => string[],
  ledger: Ledger,
  stop: { done: boolean },
  newKey: () => SoftKey,
): Promise<void> {
  let rr = 0;
  const agent = keepAliveAgent(256);
  const route = () => {
    const list = bases();
    return list[rr++ % list.length] as string;
  };
  // Sends one request; a connection error or a clear service error ends the iteration (the user
  // tries again from the start), anything unexpected is recorded.
  async function call(_client: WebClient, fn: (base: string) => Promise<HttpAnswer>): Promise<HttpAnswer> {
    const base = route();
    try {
      const res = await fn(base);
      if (res.status === 500) {
        // Pages say so in words; the JSON endpoints answer {"error":"internal"}, which the page's
        // script turns into "Something went wrong. Reload the page and try again."
        if (res.text.includes(CLEAR_SERVICE_ERROR) || res.text === '{"error":"internal"}') ledger.serviceErrors++;
        else ledger.unexpected.push(`500 without the clear message from ${base}`);
        throw new Step('service error');
      }
      return res;
    } catch (error) {
      if (error instanceof Step) throw error;
      ledger.connectionErrors.push({ base, message: (error as Error).message });
      throw new Step('connection error');
    }
  }
  function expectAnswer(res: HttpAnswer, status: number, location: RegExp | null, what: string): void {
    if (res.status !== status || (location && !location.test(res.location ?? ''))) {
      const title = /<title>([^<]*)</.exec(res.text)?.[1] ?? res.text.slice(0, 100);
      ledger.unexpected.push(`${what}: ${res.status} ${res.location ?? ''} (${title})`);
      throw new Step(what);
    }
  }

  async function iteration(user: LoadUser, n: number): Promise<void> {
    const client = new Client('', `10.9.${n & 255}.${(n >> 8) & 255}`, agent);
    await call(client, (b) => client.get('/sign-in', b));
    const pw = await call(client, (b) =>
      client.post('/sign-in', { username: user.username, password: SEED_PASSWORD }, b),
    );
    expectAnswer(pw, 303, /^\/sign-in\/mfa$/, 'password');
    await call(client, (b) => client.get('/sign-in/mfa/key', b));
    const key = user.keys[user.keys.length - 1] as SoftKey;
    const options = await call(client, (b) => client.send('POST', '/sign-in/mfa/key/options', { json: {}, base: b }));
    expectAnswer(options, 200, null, 'key options');
    const { challenge } = JSON.parse(options.text) as { challenge: string };
    const response = JSON.stringify(key.assert(challenge, SHARED_ORIGIN));
    inc(ledger.legitimateAttempts, user.username);
    // A double click: the same assertion posted twice at once, to two processes.
    // (Two tabs of one browser: each keeps the cookies its own answer set; the winner's are kept.)
    const twin = new Client('', client.ip, agent);
    for (const [k, v] of client.cookies) twin.cookies.set(k, v);
    twin.csrf = client.csrf;
    const [first, second] = await Promise.allSettled([
      call(client, (b) => client.post('/sign-in/mfa/key', { response }, b)),
      call(twin, (b) => twin.post('/sign-in/mfa/key', { response }, b)),
    ]);
    if (second.status === 'fulfilled' && second.value.location === '/profile') {
      client.cookies.clear();
      for (const [k, v] of twin.cookies) client.cookies.set(k, v);
      client.csrf = twin.csrf;
    }
    const answers = [first, second].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const wins = answers.filter((r) => r.status === 303 && r.location === '/profile');
    if (wins.length > 1) ledger.replayWins += wins.length - 1;
    for (const r of answers.filter((x) => !wins.includes(x))) {
      // The loser: the challenge was already used, or the winner had already replaced the session.
      if (!(r.status === 400 && r.text.includes('That security key could not be used')))
        expectAnswer(r, 403, null, 'double-click loser');
    }
    if (wins.length === 0) throw new Step('no sign-in');
    inc(ledger.acknowledgedSignIns, user.username);

    // A replay of the same assertion from another browser that got as far as the key step.
    const thief = new Client('', `10.8.${n & 255}.${(n >> 8) & 255}`, agent);
    await call(thief, (b) => thief.get('/sign-in', b));
    await call(thief, (b) => thief.post('/sign-in', { username: user.username, password: SEED_PASSWORD }, b));
    await call(thief, (b) => thief.get('/sign-in/mfa/key', b));
    ledger.replays++;
    const replay = await call(thief, (b) => thief.post('/sign-in/mfa/key', { response }, b));
    if (replay.location === '/profile') ledger.replayWins++;
    else expectAnswer(replay, 400, null, 'replay');

    // Register one more key.
    await call(client, (b) => client.get('/tokens', b));
    const regOptions = await call(client, (b) => client.send('POST', '/tokens/options', { json: {}, base: b }));
    expectAnswer(regOptions, 200, null, 'registration options');
    const created = newKey();
    const reg = JSON.stringify(
      created.register((JSON.parse(regOptions.text) as { challenge: string }).challenge, SHARED_ORIGIN),
    );
    const registered = await call(client, (b) => client.post('/tokens/register', { response: reg }, b));
    expectAnswer(registered, 303, /^\/tokens\/[0-9a-f-]{36}\/edit\?new=1$/, 'registration');
    ledger.acknowledgedKeys.push({
      username: user.username,
      methodId: (registered.location as string).split('/')[2] as string,
      credentialId: created.id,
    });
    user.keys.push(created);
    const out = await call(client, (b) => client.post('/sign-out', {}, b));
    expectAnswer(out, 303, /^\/sign-in/, 'sign out');
  }

  let n = 0;
  await Promise.all(
    users.map(async (user) => {
      while (!stop.done) {
        try {
          await iteration(user, n++);
        } catch (error) {
          if (!(error instanceof Step)) ledger.unexpected.push(`driver: ${(error as Error).message}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  agent.destroy();
}
