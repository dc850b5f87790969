// What the page's modules share: building elements safely (text is always set as text, never
// parsed as HTML), the Swedish words and numbers, and the vocabulary the server gives
// (GET /api/v1/codes): each status's symbol, label, meaning and colour, each error's and
// warning's text.

/** An element with attributes and children; strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(e, c);
    else e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces what `e` holds with `children`. */
export function fill(e, ...children) {
  e.replaceChildren();
  append(e, children);
  return e;
}

/** `n` with the singular or plural word: `1 obesvarad`, `3 obesvarade`. */
export function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** A list in Swedish: `a, b och c`. */
export function list(items) {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} och ${items[items.length - 1]}`;
}

const dateTime = new Intl.DateTimeFormat('sv-SE', {
  dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm',
});

/** An RFC 3339 time as Swedish text (`3 maj 2022 10:15`); empty when there is none. */
export function when(rfc3339) {
  if (!rfc3339) return '';
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : dateTime.format(d);
}

/** The round's name in words: `2022-T1` → `tertialrapport 1 2022`. */
export function roundWords(round) {
  const m = /^(\d{4})-(T1|T2|VB)$/.exec(round || '');
  if (!m) return round || '';
  const kind = { T1: 'tertialrapport 1', T2: 'tertialrapport 2', VB: 'verksamhetsberättelse' }[m[2]];
  return `${kind} ${m[1]}`;
}

// The vocabulary, once it is fetched; until then (or when the server has none) the codes
// themselves are shown, so that nothing is hidden.
let vocabulary = { statuses: {}, errors: {}, warnings: {} };

/** The status codes the matrix uses, and the one a form that could not be read gets. */
export const STATUSES = ['answered', 'unanswered', 'missing', 'notSubmitted', 'formFailed'];

// The round writes `missing` for a question the form does not hold; the vocabulary may name it
// `notInForm`.
const ALIASES = { missing: 'notInForm', notInForm: 'missing' };

/** The vocabulary entry of a status code: `{symbol, label, meaning, colour}`. */
export function status(code) {
  const s = vocabulary.statuses[code] || vocabulary.statuses[ALIASES[code]];
  return s || { symbol: '?', label: code, meaning: '', colour: null };
}

/** The Swedish text of an error code: `{title, meaning, action}`, or null. */
export function errorText(code) {
  return vocabulary.errors[code] || null;
}

/** The Swedish text of a warning code: `{title, meaning}`, or null. */
export function warningText(code) {
  return vocabulary.warnings[code] || null;
}

/** Takes the server's vocabulary and gives each status its colours (classes `st-<code>`). */
export function useVocabulary(v) {
  vocabulary = {
    statuses: v.statuses || {}, errors: v.errors || {}, warnings: v.warnings || {},
  };
  colourStatuses();
}

// Text colours a status's fill may carry: the darkest first, as every fill is a light one.
const TEXT = ['#1a1a1a', '#ffffff'];

/**
 * Adds a rule per status to the page's own style sheet (CSSOM, which the Content-Security-
 * Policy allows where a <style> would not): its fill from the vocabulary, and of the text
 * colours the one with the higher contrast on it (at least 4.5:1 with these fills, WCAG AA).
 */
function colourStatuses() {
  const sheet = [...document.styleSheets].find((s) => (s.href || '').endsWith('/assets/app.css'));
  if (!sheet) return;
  for (const code of STATUSES) {
    const fill = status(code).colour;
    if (!fill || !/^[0-9a-fA-F]{6}$/.test(fill)) continue;
    const bg = `#${fill}`;
    const fg = TEXT.reduce((a, b) => (contrast(a, bg) >= contrast(b, bg) ? a : b));
    sheet.insertRule(`.st-${code} { background-color: ${bg}; color: ${fg}; }`, sheet.cssRules.length);
  }
}

/** The WCAG contrast ratio of two `#rrggbb` colours. */
export function contrast(a, b) {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** A status as a small badge: its symbol and its label. */
export function badge(code) {
  const s = status(code);
  return el('span', { class: `badge st-${code}`, 'data-status': code },
    el('span', { 'aria-hidden': 'true', class: 'symbol' }, s.symbol), ' ', s.label);
}
