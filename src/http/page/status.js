// twinsms status page: polls GET /api/v1/status every second with the admin
// token and renders it; buttons post the admin commands. The HTML is public,
// so nothing of the node is in it: every value shown comes from the API,
// which needs the token. The token lives in this tab's sessionStorage only,
// is sent as a Bearer header, and is never put in a URL or in the page.
'use strict';
(() => {
  const KEY = 'twinsms.admin_token';
  const POLL_MS = 1000;
  const TIMEOUT_MS = 4000;
  const $ = (id) => document.getElementById(id);

  let token = sessionStorage.getItem(KEY);
  let generation = 0; // bumped on login/logout: a stale poll loop stops
  let timer = null;
  let prev = null; // previous sample, for rates
  let nodeId = '';
  const RATES = ['accepted', 'submitted', 'receipts', 'mo', 'delivered'];

  const text = (v) => (v === undefined || v === null || v === '' ? '–' : String(v));
  const setText = (id, v) => { $(id).textContent = text(v); };
  const setBadge = (id, v, look) => {
    const e = $(id);
    e.textContent = v === undefined || v === null ? '' : String(v);
    e.dataset.value = look === undefined ? e.textContent : look;
  };

  class AuthError extends Error {}

  async function api(method, path) {
    const ctl = new AbortController();
    const t = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    try {
      const r = await fetch(path, {
        method, cache: 'no-store', credentials: 'omit', redirect: 'error', signal: ctl.signal,
        headers: { Authorization: 'Bearer ' + token },
      });
      let body = null;
      try { body = await r.json(); } catch (_) { /* not JSON */ }
      if (r.status === 401 || r.status === 403) throw new AuthError(authMessage(r.status, body));
      return { status: r.status, body };
    } catch (e) {
      if (e instanceof AuthError) throw e;
      throw new Error(e.name === 'AbortError' ? 'no answer within ' + TIMEOUT_MS / 1000 + ' s' : 'node unreachable');
    } finally {
      clearTimeout(t);
    }
  }

  function authMessage(status, body) {
    if (status === 403) return 'The admin token was refused: it is not this node\u2019s admin token (403 forbidden).';
    const m = body && body.error && body.error.message;
    return 'The node needs its admin token (401 unauthorized' + (m ? ': ' + m : '') + ').';
  }
  const errorOf = (r) => {
    const e = r.body && r.body.error;
    return e ? e.message + ' (' + e.code + ', HTTP ' + r.status + ')' : 'HTTP ' + r.status;
  };

  function setConn(state, label) {
    $('conn').dataset.state = state;
    $('conn').textContent = label;
  }
  function showError(msg) {
    $('error').hidden = !msg;
    $('error').textContent = msg || '';
  }

  function showLogin(msg) {
    generation++;
    clearTimeout(timer);
    token = null;
    prev = null;
    sessionStorage.removeItem(KEY);
    $('dashboard').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('login-error').hidden = !msg;
    $('login-error').textContent = msg || '';
    $('token').value = '';
    $('token').focus();
    setConn('idle', 'not connected');
  }

  function showDashboard() {
    $('login').hidden = true;
    $('login-error').hidden = true;
    $('dashboard').hidden = false;
    $('logout').hidden = false;
  }

  async function poll(gen) {
    try {
      const r = await api('GET', '/api/v1/status');
      if (gen !== generation) return;
      if (r.status !== 200 || !r.body) {
        showError('The node answered the status request with ' + errorOf(r) + '.');
        setConn('down', 'error');
      } else {
        showError('');
        render(r.body);
        setConn('live', 'live');
      }
    } catch (e) {
      if (gen !== generation) return;
      if (e instanceof AuthError) return showLogin(e.message);
      showError('Cannot get this node\u2019s status: ' + e.message + '. Retrying every second.');
      setConn('down', 'unreachable');
    }
    timer = setTimeout(() => poll(gen), POLL_MS);
  }
  function start() {
    showDashboard();
    clearTimeout(timer);
    poll(++generation);
  }

  function ago(ms) {
    return ms < 1000 ? ms + ' ms ago' : (ms / 1000).toFixed(1) + ' s ago';
  }
  function rate(cur, old, dt) {
    if (old === undefined || cur === undefined || dt <= 0 || cur < old) return '–';
    return ((cur - old) / dt).toFixed(1);
  }

  function render(s) {
    const n = s.node || {};
    nodeId = n.id || '';
    document.title = 'twinsms ' + nodeId + ' \u2013 ' + (n.mode || '');
    setText('title-node', nodeId);
    setText('self-id', nodeId);
    setBadge('self-mode', n.mode);
    setText('self-role', n.role);
    setText('self-epoch', n.epoch);
    // Partition safety, said plainly: a witness holds the carrier key, or the pair is not partition-safe.
    const part = s.partition;
    $('self-partition').hidden = !part;
    if (part) {
      const w = part.witness;
      setBadge('self-partition', part.safe ? 'partition-safe' : 'not partition-safe', part.safe ? 'up' : 'down');
      $('self-witness').textContent = w ? ('witness key ' + (w.holding ? 'held at revision ' + w.revision : 'not held') +
        (w.holder ? ' (held by ' + w.holder + ')' : '')) : '';
      const ul = $('partition-warnings');
      ul.textContent = '';
      for (const text of part.warnings || []) {
        const li = document.createElement('li');
        li.textContent = text;
        ul.appendChild(li);
      }
    }

    // Settings replication: the shared profiles equal on both nodes, or which drift (and conflicts).
    const st = s.settings;
    $('self-settings-label').hidden = $('self-settings-row').hidden = !st;
    if (st) {
      const ok = st.in_sync;
      setBadge('self-settings', !st.heard_peer ? 'peer not heard' : ok ? 'in sync' : (st.conflicts ? 'conflict' : 'drift'),
        ok ? 'up' : 'down');
      $('self-settings-note').textContent = st.shared + ' shared' +
        (st.profiles || []).map((d) => ' \u2013 ' + d.profile + ' ' + d.status).join('');
    }

    const p = s.peer;
    $('node-peer').hidden = !p;
    if (p) {
      const alive = p.verdict === 'alive';
      setText('peer-id', p.id);
      // After the peer went silent its mode is only what it last said.
      setBadge('peer-mode', p.mode || 'not heard', alive ? undefined : 'stale');
      $('peer-mode-note').textContent = !alive && p.mode ? 'last reported' : '';
      setBadge('peer-verdict', p.verdict);
      setText('peer-epoch', p.epoch);
      setText('peer-heard', p.last_heard_ms === undefined ? 'never' : ago(p.last_heard_ms));
      setBadge('peer-link', p.link);
      setBadge('peer-second-path', p.second_path);
      setText('peer-carrier-queue', p.carrier_queue);
    }

    const now = performance.now();
    const dt = prev ? (now - prev.t) / 1000 : 0;
    const c = s.counters || {};
    for (const k of RATES) setText('rate-' + k, prev ? rate(c[k], prev.counters[k], dt) : '–');
    for (const k of ['queued', 'stored', 'in_memory', 'parked', 'deliveries']) setText('queue-' + k, (s.queue || {})[k]);
    for (const k of ['takeovers', 'failbacks', 'switchovers', 'link_troubles', 'brain_splits']) setText('count-' + k, c[k]);

    const sent = {};
    rows($('links'), s.links || [], (l) => l.carrier, (tr, l) => {
      sent[l.carrier] = l.submitted;
      const old = prev ? prev.sent[l.carrier] : undefined;
      cells(tr, [l.carrier, [l.bound ? 'bound' : 'down'], l.queued, l.in_flight, l.submitted, rate(l.submitted, old, dt)]);
    });
    rows($('profiles'), s.profiles || [], (p) => p.type + ':' + p.name, (tr, p) => {
      const type = p.kind && p.kind !== p.type ? p.type + ' (' + p.kind + ')' : p.type;
      const btn = cells(tr, [p.name, type, [p.state], p.configured, p.type === 'client' ? p.sessions : '', null]);
      const verb = p.state === 'active' ? 'deactivate' : 'activate';
      btn.dataset.verb = verb;
      btn.dataset.profile = p.name;
      btn.textContent = verb === 'activate' ? 'Activate' : 'Deactivate';
      btn.setAttribute('aria-label', btn.textContent + ' ' + p.name);
      tr.dataset.profile = p.name;
      tr.dataset.state = p.state;
    });

    prev = { t: now, counters: c, sent };
    $('updated').textContent = new Date().toLocaleTimeString();
  }

  // Keeps one row per key (so a button is not replaced under the pointer),
  // in the order of `items`; rows of keys no longer there go.
  function rows(table, items, key, fill) {
    const body = table.tBodies[0];
    const old = new Map([...body.rows].map((r) => [r.dataset.key, r]));
    items.forEach((item, i) => {
      const k = key(item);
      let tr = old.get(k);
      old.delete(k);
      if (!tr) { tr = document.createElement('tr'); tr.dataset.key = k; }
      if (body.rows[i] !== tr) body.insertBefore(tr, body.rows[i] || null);
      fill(tr, item);
    });
    old.forEach((r) => r.remove());
  }
  // Cell i shows values[i]: a [value] is a badge, null an action button
  // (returned). Text only, never HTML: names come from profile files.
  function cells(tr, values) {
    let button = null;
    values.forEach((v, i) => {
      let td = tr.cells[i];
      if (!td) {
        td = tr.insertCell();
        if (Array.isArray(v)) td.appendChild(document.createElement('span')).className = 'badge';
        if (v === null) td.appendChild(document.createElement('button')).type = 'button';
        if (typeof v === 'number') td.className = 'num';
      }
      if (Array.isArray(v)) {
        td.firstChild.textContent = text(v[0]);
        td.firstChild.dataset.value = v[0];
      } else if (v === null) {
        button = td.firstChild;
      } else {
        td.textContent = text(v);
      }
    });
    return button;
  }

  const EXPLAIN = {
    switchover: 'This node unbinds its clients, drains its queue, hands its profiles to the peer and stands by.',
    takeover: 'This node serves the peer\u2019s profiles now at a higher epoch; the peer is fenced. No automatic failback follows.',
    failback: 'After a takeover: hand the peer\u2019s profiles back. Fenced or standing by: ask the peer to hand ours back.',
    activate: 'The profile becomes active on this node until the next reload or restart.',
    deactivate: 'The profile becomes passive on this node: its sessions end.',
  };
  function confirmDialog(message) {
    const d = $('confirm');
    $('confirm-text').textContent = message;
    return new Promise((resolve) => {
      const done = (v) => () => { cleanup(); d.close(); resolve(v); };
      const ok = done(true), cancel = done(false);
      const onCancel = (e) => { e.preventDefault(); cancel(); };
      const cleanup = () => {
        $('confirm-ok').removeEventListener('click', ok);
        $('confirm-cancel').removeEventListener('click', cancel);
        d.removeEventListener('cancel', onCancel);
      };
      $('confirm-ok').addEventListener('click', ok);
      $('confirm-cancel').addEventListener('click', cancel);
      d.addEventListener('cancel', onCancel);
      d.showModal();
      $('confirm-cancel').focus();
    });
  }

  async function command(verb, profile) {
    const path = profile ? '/api/v1/profiles/' + encodeURIComponent(profile) + '/' + verb : '/api/v1/cluster/' + verb;
    const what = profile ? verb + ' ' + profile : verb;
    if (!(await confirmDialog(what.charAt(0).toUpperCase() + what.slice(1) + ' on node ' + nodeId + '? ' + EXPLAIN[verb]))) return;
    const out = $('action-result');
    const buttons = document.querySelectorAll('button[data-verb]');
    buttons.forEach((b) => { b.disabled = true; });
    out.dataset.ok = '';
    out.textContent = what + '\u2026';
    try {
      const r = await api('POST', path);
      const ok = r.status === 200;
      out.dataset.ok = String(ok);
      out.textContent = ok ? (r.body && r.body.message) || what + ': ok' : what + ' refused: ' + errorOf(r);
    } catch (e) {
      if (e instanceof AuthError) return showLogin(e.message);
      out.dataset.ok = 'false';
      out.textContent = what + ': ' + e.message;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', async (e) => {
      e.preventDefault(); // never a form submission: the token stays out of URLs
      const candidate = $('token').value.trim();
      $('token').value = '';
      if (!candidate) return;
      token = candidate;
      try {
        await api('GET', '/api/v1/status');
        sessionStorage.setItem(KEY, token);
        start();
      } catch (err) {
        showLogin(err instanceof AuthError ? err.message : 'Cannot reach the node: ' + err.message + '.');
      }
    });
    $('logout').addEventListener('click', () => showLogin(''));
    document.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-verb]');
      if (b && !b.disabled) command(b.dataset.verb, b.dataset.profile);
    });
    if (token) start();
    else showLogin('');
  });
})();
