// app.js - the page of the web chat. Everything the coach or the person
// writes is put on the page as text (textContent), never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const log = $('log');
const form = $('form');
const input = $('input');
const choicesBox = $('choices');
const status = $('status');
const region = new URLSearchParams(location.search).get('region') || undefined;

let sessionId = null;

// The person's safety plan, kept in this browser only when they said to keep
// it at the end of the plan builder; sent with the greeting so every crisis
// reply can show it. "Forget my plan" removes it here and from the session.
const PLAN_KEY = 'dbtcoach.plan';
let clearPlan = false;
function storedPlan() {
  try {
    const p = JSON.parse(localStorage.getItem(PLAN_KEY) || 'null');
    return p && typeof p === 'object' ? p : null;
  } catch (e) {
    return null;
  }
}
function showForget() {
  $('forget-plan').hidden = !storedPlan();
}
let busy = false;
let ended = false;
let timerHandle = null;

// A coach text: paragraphs split by blank lines, "- " lines as a list, and
// https links made clickable.
function renderText(text) {
  const frag = document.createDocumentFragment();
  for (const para of text.split('\n\n')) {
    const lines = para.split('\n');
    if (lines.every((l) => l.startsWith('- '))) {
      const ul = document.createElement('ul');
      for (const l of lines) {
        const li = document.createElement('li');
        appendLinked(li, l.slice(2));
        ul.append(li);
      }
      frag.append(ul);
    } else {
      const p = document.createElement('p');
      lines.forEach((l, i) => {
        if (i) p.append(document.createElement('br'));
        appendLinked(p, l);
      });
      frag.append(p);
    }
  }
  return frag;
}

function appendLinked(el, line) {
  const parts = line.split(/(https:\/\/[^\s()<>]+[^\s()<>.,;:!?'"])/);
  parts.forEach((part, i) => {
    if (i % 2) {
      const a = document.createElement('a');
      a.href = part;
      a.textContent = part;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      el.append(a);
    } else if (part) {
      el.append(document.createTextNode(part));
    }
  });
}

function addMessage(kind, content) {
  const div = document.createElement('div');
  div.className = `msg ${kind}`;
  if (kind === 'coach') {
    div.classList.add('text');
    div.append(renderText(content));
  } else {
    div.textContent = content;
  }
  log.append(div);
  log.scrollTop = log.scrollHeight;
  return div;
}

// A crisis reply goes, whole, into the highlighted panel above the
// conversation and stays there: it is never collapsed or dismissed by the
// page. A later crisis reply replaces it.
function showCrisis(text) {
  const panel = $('crisis');
  const body = $('crisis-text');
  panel.hidden = false;
  body.replaceChildren(renderText(text));
  addMessage('note crisis-note',
    'The coach shared crisis support lines. They are in the highlighted box above.');
  panel.scrollIntoView({ block: 'start' });
}

function showChoices(choices) {
  choicesBox.replaceChildren();
  for (const c of choices || []) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'choice';
    b.textContent = c;
    b.addEventListener('click', () => send(c));
    choicesBox.append(b);
  }
}

// A countdown, or the breathing pacer: the circle grows for the in-breath,
// stays for the hold and shrinks for the out-breath, with the words beside
// it. The text changes only at each phase, so a screen reader is not flooded.
function showTimer(timer) {
  const box = $('timer');
  const text = $('timer-text');
  const pacer = $('pacer');
  clearInterval(timerHandle);
  timerHandle = null;
  box.hidden = true;
  if (!timer) return;
  let t = 0;
  let tick;
  pacer.hidden = timer.kind !== 'breathe';
  if (timer.kind === 'countdown') {
    box.setAttribute('aria-label', 'Timer');
    tick = () => {
      const left = Math.max(0, timer.seconds - t);
      text.textContent = left ? `Timer: ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`
        : 'Time is up. Carry on when you are ready.';
      return left > 0;
    };
  } else if (timer.kind === 'breathe') {
    box.setAttribute('aria-label', 'Breathing pacer');
    const cycle = timer.in + timer.hold + timer.out;
    tick = () => {
      const n = Math.floor(t / cycle);
      if (n >= timer.cycles) {
        pacer.className = 'pacer';
        text.textContent = 'Done. Carry on when you are ready.';
        return false;
      }
      const s = t % cycle;
      const [what, phase, len] = s < timer.in ? ['Breathe in', 'in', timer.in]
        : s < timer.in + timer.hold ? ['Hold', 'hold', timer.hold]
          : ['Breathe out', 'out', timer.out];
      if (!pacer.classList.contains(phase)) {
        pacer.style.transitionDuration = `${len}s`;
        pacer.className = `pacer ${phase}`;
        text.textContent = `${what} (breath ${n + 1} of ${timer.cycles})`;
      }
      return true;
    };
  } else {
    return;
  }
  box.hidden = false;
  tick();
  timerHandle = setInterval(() => {
    t += 1;
    if (!tick()) {
      clearInterval(timerHandle);
      timerHandle = null;
    }
  }, 1000);
}

function setBusy(b) {
  busy = b;
  const off = b || ended;
  $('send').disabled = off;
  input.disabled = ended;
  for (const btn of choicesBox.querySelectorAll('button')) btn.disabled = off;
}

// One request of the JSON-lines protocol, over HTTP. The first one has no
// session id: the server makes one and returns it in the reply.
async function post(body) {
  if (sessionId) body.session = sessionId;
  if (region) body.region = region;
  if (clearPlan && !('plan' in body)) {
    body.plan = null;
    clearPlan = false;
  }
  const res = await fetch('v1/turn', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const out = await res.json().catch(() => ({}));
  if (!res.ok || typeof out.text !== 'string') throw new Error(out.error || `HTTP ${res.status}`);
  sessionId = out.session;
  return out;
}

function handle(r, { helpNow = false } = {}) {
  if (r.restarted && !helpNow) {
    addMessage('note', 'The conversation had to start again. Your last message was still answered.');
  }
  if (r.crisis || r.hotlines || helpNow) {
    showCrisis(r.text);
  } else {
    addMessage('coach', r.text);
  }
  showChoices(r.choices);
  showTimer(r.timer);
  const rec = r.record;
  if (rec && rec.kind === 'plan' && rec.plan && rec.answers && rec.answers.keep === 'yes') {
    try {
      localStorage.setItem(PLAN_KEY, JSON.stringify(rec.plan));
      addMessage('note', 'Your safety plan is kept in this browser. "Forget my plan" removes it.');
    } catch (e) {
      addMessage('note', 'This browser could not keep your plan. Please copy it from above.');
    }
    showForget();
  }
  if (r.ended) {
    ended = true;
    addMessage('note', 'The session has ended. Reload the page to start again.');
  }
}

async function send(text, opts = {}) {
  if (busy || (ended && !opts.helpNow)) return;
  const shown = text.trim() ? text : '(empty message)';
  addMessage('you', shown);
  setBusy(true);
  status.textContent = '';
  try {
    handle(await post({ text }), opts);
    input.value = '';
  } catch (e) {
    status.textContent = 'Could not reach the coach. Please try again. ' +
      'If you are in danger now, call your local emergency number.';
    input.value = text;
  } finally {
    setBusy(false);
    if (!ended) input.focus();
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  send(input.value);
});

input.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    send(input.value);
  }
});

// "help now" is the coach's command for crisis lines at any time; its reply
// goes in the crisis panel too.
$('help-now').addEventListener('click', () => send('help now', { helpNow: true }));

$('forget-plan').addEventListener('click', () => {
  try {
    localStorage.removeItem(PLAN_KEY);
  } catch (e) {
    /* nothing kept */
  }
  clearPlan = true;
  showForget();
  addMessage('note', 'Your safety plan is forgotten in this browser.');
  input.focus();
});

(async () => {
  setBusy(true);
  try {
    showForget();
    const plan = storedPlan();
    handle(await post(plan ? { plan } : {}));
  } catch (e) {
    status.textContent = 'Could not reach the coach. ' +
      'If you are in danger now, call your local emergency number.';
  } finally {
    setBusy(false);
    input.focus();
  }
})();
