// The page: fetches the round and its status, shows the overview or one respondent (chosen by
// the address after #, so that moving between them keeps the upload results and the event
// stream), and keeps what it shows current: after every upload, on every event the server
// sends (GET /api/v1/events), or every ten seconds when events cannot be had.

import { Failure, get } from './api.js';
import { useVocabulary } from './text.js';
import { setUpUpload } from './upload.js';
import { showOverview } from './matrix.js';
import { setUpCopy, showReminders } from './reminders.js';
import { showRespondent } from './respondent.js';

const POLL_MS = 10000;
const TITLE = 'Uppföljningsrapport näringsliv';

const state = { status: null, round: null, shown: null, view: { kind: 'overview' } };

// What went wrong, by what it concerns; shown together above the page, in Swedish.
const problems = new Map();

function problem(key, message) {
  const before = JSON.stringify([...problems]);
  if (message) problems.set(key, message);
  else problems.delete(key);
  // Said again only when it changes: the box is an alert, read out each time it is drawn.
  if (JSON.stringify([...problems]) === before) return;
  const box = document.getElementById('problem');
  box.hidden = problems.size === 0;
  box.replaceChildren(...[...problems.values()].map((m) => {
    const p = document.createElement('p');
    p.textContent = m;
    return p;
  }));
  if (problems.has('session')) {
    const a = document.createElement('a');
    a.href = '/login';
    a.textContent = 'Logga in';
    box.append(a);
  }
}

async function loadVocabulary() {
  try {
    useVocabulary(await get('/api/v1/codes'));
    problem('codes', null);
  } catch (e) {
    problem('codes', `Förklaringarna av statusar och felkoder kunde inte hämtas, så koderna visas i stället. ${e.message}`);
  }
}

// One refresh at a time; a request for another while one runs makes one more afterwards.
let running = null;
let again = false;

function refresh() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      const [st, round] = await Promise.all([get('/api/v1/status'), get('/api/v1/round')]);
      problem('load', null);
      problem('session', null);
      state.status = st;
      state.round = round;
      render();
    } catch (e) {
      const session = e instanceof Failure && e.status === 401;
      const shown = state.status ? ' Det som visas är från den senaste hämtningen.' : '';
      problem(session ? 'session' : 'load', `Rundan kunde inte hämtas. ${e.message}${shown}`);
    }
  })();
  return running.finally(() => {
    running = null;
    if (again) {
      again = false;
      refresh();
    }
  });
}

/** Shows the current view, unless what it shows has not changed. */
function render(force = false) {
  if (!state.status || !state.round) return;
  const shown = JSON.stringify([state.view, state.round.generatedAt, { ...state.status, generatedAt: null }]);
  if (shown === state.shown && !force) return;
  state.shown = shown;
  const focused = document.activeElement && document.activeElement.getAttribute('href');
  if (state.view.kind === 'overview') {
    showOverview(state.status, state.round);
    showReminders(state.status);
    const name = state.status.round || 'runda';
    document.getElementById('dl-json').setAttribute('download', `${name}.json`);
  } else {
    showRespondent(document.getElementById('respondent'), state.view, state.round, state.status);
  }
  // A re-drawn view keeps the keyboard where it was.
  if (focused) {
    const again = [...document.querySelectorAll('#main a[href]')].find((a) => a.getAttribute('href') === focused);
    if (again && again !== document.activeElement) again.focus({ preventScroll: true });
  }
}

/** Chooses the view from the address: `#/svar/<id>`, `#/formular/<sha256>`, or the overview. */
function route() {
  const hash = location.hash;
  const before = state.view;
  let m;
  if ((m = /^#\/svar\/(.+)$/.exec(hash))) state.view = { kind: 'respondent', id: decodeURIComponent(m[1]) };
  else if ((m = /^#\/formular\/([0-9a-f]{64})$/.exec(hash))) state.view = { kind: 'respondent', sha256: m[1] };
  else if (hash === '' || hash === '#' || hash === '#/') state.view = { kind: 'overview' };
  // Any other address (#main, #vilka) is a place in the view shown: the browser goes there.
  else return;
  const overview = state.view.kind === 'overview';
  document.getElementById('overview').hidden = !overview;
  document.getElementById('respondent').hidden = overview;
  if (!overview && !state.round) {
    document.getElementById('respondent').replaceChildren();
  }
  render(true);
  afterMove(before, overview);
}

/** Puts the keyboard and the reader at the start of the new view, or back where they left. */
function afterMove(before, overview) {
  const heading = overview ? null : document.querySelector('#respondent h1');
  if (heading) {
    document.title = `${heading.textContent} – ${TITLE}`;
    heading.focus();
    window.scrollTo(0, 0);
    return;
  }
  document.title = state.status && state.status.round ? `${state.status.round} – ${TITLE}` : TITLE;
  if (overview && before.kind === 'respondent') {
    const key = before.id ? `#/svar/${encodeURIComponent(before.id)}` : `#/formular/${before.sha256}`;
    const link = document.querySelector(`#matrix a[href="${CSS.escape(key)}"]`);
    if (link) link.focus();
  }
}

// Live updates: the server's events while they come, polling while they do not.
let poller = null;

function polling(on) {
  const said = document.getElementById('live-state');
  if (on && !poller) {
    poller = setInterval(refresh, POLL_MS);
    said.textContent = 'Uppdateras var tionde sekund.';
  } else if (!on && poller) {
    clearInterval(poller);
    poller = null;
  }
  if (!on) said.textContent = 'Uppdateras direkt.';
}

function listen() {
  if (!('EventSource' in window)) {
    polling(true);
    return;
  }
  const events = new EventSource('/api/v1/events');
  events.addEventListener('round', () => refresh());
  events.addEventListener('open', () => {
    polling(false);
    // What changed while the stream was down.
    refresh();
  });
  events.addEventListener('error', () => {
    polling(true);
    if (events.readyState === EventSource.CLOSED) {
      // The server refused the stream (none there, or the session ended): poll, and try the
      // stream again in a minute.
      setTimeout(listen, 6 * POLL_MS);
    }
  });
}

async function start() {
  document.getElementById('logout').hidden = document.body.dataset.login !== 'on';
  setUpUpload({
    labelOf: (id) => {
      const q = state.status && state.status.questions.find((x) => x.id === id);
      return q ? q.label : id;
    },
    stored: refresh,
  });
  setUpCopy();
  window.addEventListener('hashchange', route);
  await loadVocabulary();
  route();
  await refresh();
  route();
  listen();
}

start();
