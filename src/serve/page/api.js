// Talking to the server: every request of the page goes through here, so that whatever goes
// wrong (the server gone, the session ended, a problem answer) becomes one Swedish sentence.

import { errorText } from './text.js';

/** A request that failed, with what to tell the analyst. */
export class Failure extends Error {
  constructor(message, { status = 0, code = null, problem = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.problem = problem;
  }
}

// What an HTTP status means to the analyst, when the answer says nothing better.
const BY_STATUS = {
  400: 'Servern förstod inte begäran.',
  401: 'Du är inte inloggad längre. Logga in igen.',
  403: 'Servern tog inte emot begäran (den kom inte från den här sidan). Ladda om sidan och försök igen.',
  404: 'Det som efterfrågades finns inte på servern.',
  413: 'Filen är för stor för servern.',
  415: 'Servern tar inte emot den sortens fil.',
  422: 'Filen kunde inte läsas.',
  500: 'Något gick fel på servern. Försök igen; händer det igen, säg till den som driver servern.',
  503: 'Servern är upptagen just nu. Försök igen om en stund.',
};

/** The Swedish sentence for a problem answer (`application/problem+json`) or a bare status. */
export function problemText(status, problem) {
  const known = problem && problem.code ? errorText(problem.code) : null;
  if (known) return [known.title, known.action].filter(Boolean).join('. ').replace(/\.\./g, '.');
  if (status === 401) return BY_STATUS[401];
  return BY_STATUS[status] || `Servern svarade med fel ${status}.`;
}

const OFFLINE = 'Kunde inte nå servern. Kontrollera att blankett serve är igång och försök igen.';

/** Sends a request; the answer's JSON, or a `Failure` saying in Swedish what went wrong. */
export async function request(path, init = {}) {
  let res;
  try {
    res = await fetch(path, { cache: 'no-cache', credentials: 'same-origin', ...init });
  } catch {
    throw new Failure(OFFLINE);
  }
  const type = res.headers.get('content-type') || '';
  let body = null;
  if (type.includes('json')) {
    try {
      body = await res.json();
    } catch {
      body = null;
    }
  }
  if (res.redirected && new URL(res.url).pathname === '/login') {
    throw new Failure(BY_STATUS[401], { status: 401 });
  }
  if (!res.ok && res.status !== 207) {
    const problem = type.includes('problem+json') ? body : null;
    throw new Failure(problemText(res.status, problem), {
      status: res.status, code: problem && problem.code, problem,
    });
  }
  return { status: res.status, body };
}

/** Fetches JSON from the API with GET. */
export async function get(path) {
  return (await request(path)).body;
}
