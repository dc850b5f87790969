// The reminders: each respondent to remind (from GET /api/v1/status), what is missing, and
// the address to write to; all the addresses in one field, with a button that copies them.

import { el, errorText, fill, list } from './text.js';
import { respondentLink } from './matrix.js';

/** Shows whom to remind, and the addresses to copy. */
export function showReminders(st) {
  const remind = st.respondents.filter((r) => r.remind);
  const empty = document.getElementById('reminders-empty');
  const box = document.getElementById('copy-box');
  empty.hidden = remind.length > 0;
  if (!remind.length) {
    empty.textContent = st.respondents.length
      ? 'Ingen behöver påminnas: alla har svarat på allt.'
      : 'Inga formulär ännu, och ingen att påminna.';
  }
  fill(document.getElementById('reminders'), remind.map((r) => item(r, st)));
  const addresses = [...new Set(remind.filter((r) => r.address).map((r) => r.address.email))];
  const without = remind.filter((r) => !r.address).length;
  const note = document.getElementById('no-address');
  note.hidden = without === 0;
  note.textContent = without === remind.length
    ? 'Ingen av dem har en känd e-postadress: registret anger ingen, och inget formulär från dem har kommit in.'
    : `${without} av ${remind.length} saknar känd e-postadress och finns inte med bland adresserna nedan.`;
  box.hidden = addresses.length === 0;
  document.getElementById('addresses').value = addresses.join('; ');
  document.getElementById('mail-all').href = `mailto:?bcc=${addresses.map(encodeURIComponent).join(',')}`;
}

function item(r, st) {
  const href = respondentLink(r);
  return el('li', { class: 'reminder' },
    el('p', { class: 'who' }, href ? el('a', { href }, r.label) : r.label),
    el('p', {}, what(r, st)),
    el('p', { class: 'address' }, address(r)));
}

/** What a respondent has not sent, in a sentence. */
function what(r, st) {
  if (r.status === 'notSubmitted') return 'Inget formulär har kommit in.';
  if (r.status === 'formFailed') {
    return r.failedForms.map((f) => {
      const t = errorText(f.code);
      const why = t ? `${t.title}. ${t.action || ''}` : f.reason;
      return `Formuläret ”${f.path}” kunde inte läsas: ${why}`;
    }).join(' ');
  }
  const label = (id) => (st.questions.find((q) => q.id === id) || { label: id }).label;
  const of = (status) => r.open.filter((o) => o.status === status).map((o) => label(o.questionId));
  const parts = [];
  if (of('unanswered').length) parts.push(`Obesvarade frågor: ${list(of('unanswered'))}.`);
  if (of('missing').length) parts.push(`Saknas i formuläret: ${list(of('missing'))}.`);
  return parts.join(' ') || 'Formuläret är inte komplett.';
}

function address(r) {
  if (!r.address) return el('span', { class: 'none' }, 'Ingen e-postadress känd.');
  const a = r.address;
  const from = a.from === 'registry'
    ? ' (från registret)'
    : ` (från formuläret${a.submission && a.submission.file ? ` ”${a.submission.file}”` : ''})`;
  return [el('a', { href: `mailto:${encodeURIComponent(a.email)}` }, a.email), from];
}

/** Wires the copy button: the clipboard when the browser allows it, else the text selected. */
export function setUpCopy() {
  const button = document.getElementById('copy');
  const field = document.getElementById('addresses');
  const result = document.getElementById('copy-result');
  button.addEventListener('click', async () => {
    const n = field.value ? field.value.split('; ').length : 0;
    const said = n === 1 ? 'En adress kopierad.' : `${n} adresser kopierade.`;
    try {
      await navigator.clipboard.writeText(field.value);
      result.textContent = said;
    } catch {
      // Without the clipboard (a page over plain HTTP from another machine, or a browser that
      // asks first), the addresses are selected for the analyst to copy.
      field.focus();
      field.select();
      result.textContent = 'Adresserna är markerade: tryck Ctrl+C (Cmd+C på Mac) för att kopiera dem.';
    }
  });
}
