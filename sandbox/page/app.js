/* The sandbox page: polls /sandbox/ui for what the current user sees and posts their gestures
 * to the sandbox, which sends Slack's signed requests to the bot. */
"use strict";

const S = {
  user: localStorage.getItem("dealbot.user") || "U0REP1",
  nav: JSON.parse(localStorage.getItem("dealbot.nav") || '{"kind":"dm"}'),
  data: null,
  convKey: null,
  modalKey: null,
  busy: 0,
};

const $ = (id) => document.getElementById(id);

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 3500);
}

async function post(path, body) {
  S.busy++;
  document.body.dataset.busy = "1";
  try {
    const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: S.user, ...body }) });
    const data = await r.json().catch(() => ({}));
    if (!r.ok || data.ok === false) toast(data.error || `failed (${r.status})`);
    else if (data.status && data.status >= 400) toast(`the bot answered ${data.status}`);
    return data;
  } catch (e) {
    toast(String(e));
    return {};
  } finally {
    S.busy--;
    if (!S.busy) delete document.body.dataset.busy;
    await refresh();
  }
}

function ctx(extra) {
  const d = S.data || {};
  const users = Object.fromEntries((d.users || []).map((u) => [u.id, u]));
  const channels = Object.fromEntries((d.channels || []).map((c) => [c.id, c.name]));
  const privateChannels = new Set((d.channels || []).filter((c) => c.private).map((c) => c.id));
  return { users, channels, privateChannels, ...extra };
}

// -- the sidebar, the user switcher ------------------------------------------------------------------
function renderWorkspaces() {
  const d = S.data;
  const ws = $("workspace-switch");
  const wanted = (d.workspaces || []).map((w) => `${w.team_id}:${w.installed}`).join(",");
  if (ws.dataset.ws !== wanted) {
    ws.innerHTML = "";
    for (const w of d.workspaces || []) {
      const o = document.createElement("option");
      o.value = w.team_id;
      o.dataset.firstUser = w.first_user || "";
      o.textContent = `${w.domain} (${w.team_id})${w.installed ? "" : " · dealbot not installed"}`;
      ws.appendChild(o);
    }
    ws.dataset.ws = wanted;
  }
  ws.value = d.team_id;
  if (d.install_url) $("install-link").href = d.install_url;
}

function switchUser(user) {
  S.user = user;
  localStorage.setItem("dealbot.user", S.user);
  S.convKey = S.modalKey = null;
  if (S.nav.kind === "home") post("/sandbox/home", {});
  refresh().then(refreshClock);
}

function renderChrome() {
  const d = S.data;
  renderWorkspaces();
  const sw = $("user-switch");
  const wanted = d.users.map((u) => u.id).join(",");
  if (sw.dataset.users !== wanted) {
    sw.innerHTML = "";
    for (const u of d.users) {
      const role = u.is_admin ? "admin" : (u.profile.title || "");
      const o = document.createElement("option");
      o.value = u.id;
      o.textContent = `${u.real_name} · ${role} · ${u.tz} · ${u.locale}`;
      sw.appendChild(o);
    }
    sw.dataset.users = wanted;
  }
  sw.value = S.user;
  const viewer = d.users.find((u) => u.id === S.user);
  Blocks.setLocale(viewer ? viewer.locale : "en");
  const list = $("channel-list");
  const chans = d.channels.map((c) => c.id + (c.private ? "!" : "")).join(",");
  if (list.dataset.chans !== chans) {
    list.innerHTML = "";
    for (const c of d.channels) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = "#";
      a.textContent = (c.private ? "🔒 " : "# ") + c.name;
      a.dataset.channel = c.id;
      a.addEventListener("click", (e) => { e.preventDefault(); go({ kind: "channel", id: c.id }); });
      li.appendChild(a);
      list.appendChild(li);
    }
    list.dataset.chans = chans;
  }
  for (const a of document.querySelectorAll("#sidebar a")) {
    const active = (S.nav.kind === "channel" && a.dataset.channel === S.nav.id) || a.dataset.nav === S.nav.kind;
    a.classList.toggle("active", active);
  }
}

function go(nav) {
  S.nav = nav;
  localStorage.setItem("dealbot.nav", JSON.stringify(nav));
  S.convKey = null;
  if (nav.kind === "home") post("/sandbox/home", {});
  render();
}

// -- the conversation / App Home ------------------------------------------------------------------------
function currentChannel() {
  return S.nav.kind === "channel" ? S.nav.id : S.data.dm;
}

function renderConv() {
  const d = S.data;
  const conv = $("conv");
  const home = S.nav.kind === "home";
  const channel = currentChannel();
  const chan = d.channels.find((c) => c.id === channel);
  const chanTitle = chan ? (chan.private ? "🔒 " : "# ") + chan.name + (chan.bot ? "" : " (dealbot is not in this channel)") : null;
  $("conv-title").textContent = home ? "dealbot · Home" : (chanTitle || "dealbot · Messages");
  $("composer").hidden = home;
  const msgs = home ? [] : d.messages.filter((m) => m.channel === channel);
  const key = JSON.stringify(home ? ["home", d.home] : ["conv", channel, msgs, d.users]);
  if (key === S.convKey) return;
  S.convKey = key;
  conv.innerHTML = "";
  if (home) {
    const wrap = document.createElement("div");
    wrap.className = "home";
    wrap.id = "home-view";
    if (d.home) {
      wrap.appendChild(Blocks.render(d.home.blocks, ctx({ onAction: (el, b, extra) => act(el, b, extra, { view_id: d.home.id }) })));
    } else {
      wrap.innerHTML = '<div class="empty">App Home is loading…</div>';
    }
    conv.appendChild(wrap);
    return;
  }
  if (!msgs.length) conv.innerHTML = '<div class="empty">No messages yet. Try <code>/deal help</code>.</div>';
  for (const m of msgs) conv.appendChild(messageEl(m));
  conv.scrollTop = conv.scrollHeight;
}

function messageEl(m) {
  const d = S.data;
  const user = d.users.find((u) => u.id === m.user);
  const name = m.bot ? "dealbot" : (user ? user.real_name : m.user);
  const el = document.createElement("div");
  el.className = "msg" + (m.bot ? " bot" : " user") + (m.ephemeral ? " ephemeral" : "");
  el.dataset.ts = m.ts;
  el.innerHTML = `<div class="avatar">${Blocks.esc(name[0].toUpperCase())}</div><div class="body">
    <div class="meta"><b>${Blocks.esc(name)}</b>${m.bot ? "APP" : ""}${m.edited ? ' <span class="edited">(edited)</span>' : ""}</div></div>`;
  const body = el.querySelector(".body");
  if (m.ephemeral) body.insertAdjacentHTML("beforeend", '<div class="eph-note">Only visible to you</div>');
  if (m.blocks && m.blocks.length) {
    body.appendChild(Blocks.render(m.blocks, ctx({ onAction: (e, b, extra) => act(e, b, extra, { channel: m.channel, ts: m.ts }) })));
  } else {
    const t = document.createElement("div");
    t.className = "text";
    t.innerHTML = Blocks.mrkdwn(m.text, ctx());
    body.appendChild(t);
  }
  for (const f of m.files || []) body.appendChild(fileEl(f));
  return el;
}

function fileEl(f) {
  const wrap = document.createElement("div");
  wrap.className = "file";
  let path = null;
  try { // the sandbox serves uploaded files under /files/<id>, whatever host name the page was opened with
    const u = new URL(f.url_private || "", location.href);
    if (u.pathname.startsWith("/files/")) path = u.pathname;
  } catch (e) { /* no url */ }
  const title = f.title || f.name || "file";
  if (path && /^image\//.test(f.mimetype || "")) {
    const img = document.createElement("img");
    img.src = path;
    img.alt = title;
    wrap.appendChild(img);
  } else if (path) {
    const a = document.createElement("a");
    a.href = path;
    a.target = "_blank";
    a.textContent = "📎 " + title;
    wrap.appendChild(a);
  } else {
    wrap.textContent = "📎 " + title;
  }
  return wrap;
}

// -- modals ----------------------------------------------------------------------------------------------
function renderModal() {
  const root = $("modal-root");
  const v = S.data.modal;
  const key = v ? JSON.stringify([v.id, v.hash, v.errors, S.data.modal_depth]) : null;
  if (key === S.modalKey) return;
  const previous = root.querySelector(".modal");
  const kept = previous && v && previous.dataset.viewId === v.id ? Blocks.collect(previous) : null;
  S.modalKey = key;
  root.innerHTML = "";
  if (!v) return;
  const back = document.createElement("div");
  back.className = "backdrop";
  const modal = document.createElement("div");
  modal.className = "modal";
  modal.dataset.viewId = v.id;
  modal.setAttribute("role", "dialog");
  modal.innerHTML = `<div class="m-title"><span>${Blocks.textHtml(v.title)}</span></div>
    <div class="m-body"></div><div class="m-foot"></div>`;
  const body = modal.querySelector(".m-body");
  body.appendChild(Blocks.render(v.blocks, ctx({ errors: v.errors || {},
    onAction: (el, b, extra) => act(el, b, extra, { view_id: v.id, values: Blocks.collect(body) }) })));
  if (kept) Blocks.restore(body, kept);
  const clearError = (e) => { // as in Slack, editing a field clears its error
    const blk = e.target.closest(".input-block");
    if (blk) { blk.classList.remove("has-error"); blk.querySelector(".err").textContent = ""; }
  };
  body.addEventListener("input", clearError);
  body.addEventListener("change", clearError);
  const foot = modal.querySelector(".m-foot");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn";
  close.textContent = Blocks.plain(v.close) || "Cancel";
  close.addEventListener("click", () => post("/sandbox/close", { view_id: v.id }));
  foot.appendChild(close);
  if (v.submit) {
    const submit = document.createElement("button");
    submit.type = "button";
    submit.className = "btn primary";
    submit.textContent = Blocks.plain(v.submit);
    submit.addEventListener("click", () => submitModal(v, body));
    foot.appendChild(submit);
  }
  back.appendChild(modal);
  root.appendChild(back);
}

function submitModal(v, body) {
  const errors = Blocks.validate(body, v.blocks);
  for (const blk of body.querySelectorAll(".input-block")) {
    const msg = errors[blk.dataset.blockId];
    if (msg) {
      blk.classList.add("has-error");
      blk.querySelector(".err").textContent = msg;
    }
  }
  if (Object.keys(errors).length) return;
  post("/sandbox/submit", { view_id: v.id, values: Blocks.collect(body) });
}

// -- gestures ---------------------------------------------------------------------------------------------
function act(el, block, extra, source) {
  post("/sandbox/click", { action_id: el.action_id, block_id: block.block_id || null, ...extra, ...source });
}

function send(text) {
  text = text.trim();
  if (!text) return;
  const channel = currentChannel();
  if (text.startsWith("/")) {
    const [command, ...rest] = text.split(" ");
    post("/sandbox/command", { command, text: rest.join(" "), channel });
  } else if (S.nav.kind === "channel") {
    post("/sandbox/say", { channel, text });
  } else {
    post("/sandbox/dm", { text });
  }
}

// -- @-mention completion ------------------------------------------------------------------------------------
// As in Slack's composer: typing @ offers the workspace's people (and dealbot, for /invite @dealbot);
// choosing one inserts "@Real Name". The sandbox escapes it as the command's should_escape says.
const Mention = { items: [], active: 0, start: -1 };

function mentionQuery(input) {
  const upto = input.value.slice(0, input.selectionStart);
  const m = /(^|\s)@([^@\n]{0,40})$/.exec(upto);
  return m ? { start: upto.length - m[2].length - 1, query: m[2].toLowerCase() } : null;
}

function mentionCandidates(query) {
  const people = (S.data ? S.data.users : []).filter((u) => !u.deleted)
    .map((u) => ({ id: u.id, label: u.real_name, hint: u.name }));
  people.push({ id: "dealbot", label: "dealbot", hint: "app" });
  return people.filter((p) => p.label.toLowerCase().startsWith(query) || p.hint.toLowerCase().startsWith(query)
    || p.label.toLowerCase().split(" ").some((w) => w.startsWith(query))).slice(0, 8);
}

function renderMentionMenu() {
  const menu = $("mention-menu");
  menu.innerHTML = "";
  menu.hidden = !Mention.items.length;
  Mention.items.forEach((p, i) => {
    const li = document.createElement("li");
    li.dataset.user = p.id;
    li.className = i === Mention.active ? "active" : "";
    li.innerHTML = `<b>${Blocks.esc(p.label)}</b> <span>${Blocks.esc(p.hint)}</span>`;
    li.addEventListener("mousedown", (e) => { e.preventDefault(); chooseMention(i); });
    menu.appendChild(li);
  });
}

function updateMentionMenu() {
  const q = mentionQuery($("composer-input"));
  Mention.start = q ? q.start : -1;
  Mention.items = q ? mentionCandidates(q.query) : [];
  Mention.active = 0;
  renderMentionMenu();
}

function chooseMention(i) {
  const input = $("composer-input");
  const p = Mention.items[i];
  if (!p || Mention.start < 0) return;
  const before = input.value.slice(0, Mention.start);
  const after = input.value.slice(input.selectionStart);
  input.value = `${before}@${p.label} ${after.replace(/^\s+/, "")}`;
  const caret = before.length + p.label.length + 2;
  input.setSelectionRange(caret, caret);
  Mention.items = [];
  renderMentionMenu();
  input.focus();
}

function onComposerKey(e) {
  if (!Mention.items.length) return;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    const n = Mention.items.length;
    Mention.active = (Mention.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
    renderMentionMenu();
  } else if (e.key === "Enter" || e.key === "Tab") {
    e.preventDefault();
    chooseMention(Mention.active);
  } else if (e.key === "Escape") {
    Mention.items = [];
    renderMentionMenu();
  }
}

// -- the clock ----------------------------------------------------------------------------------------------
async function refreshClock() {
  try {
    const r = await fetch(`/sandbox/clock?user=${encodeURIComponent(S.user)}`);
    const d = await r.json();
    if (!d.now) return;
    renderQueue(d);
    const me = S.data && S.data.users.find((u) => u.id === S.user);
    const tz = me ? me.tz : "UTC";
    const f = new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short", day: "numeric",
      month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
    $("clock-now").textContent = `${f.format(new Date(d.now))} (${tz})`;
    $("clock-now").dataset.now = d.now;
  } catch (e) { /* the bot may be restarting */ }
}

function renderQueue(d) {
  if (d.me) {
    const b = document.querySelector('[data-clock="my_monday"]');
    b.textContent = `next Monday ${d.me.day_start} for me`;
  }
  const list = $("queue-list");
  const items = d.queue || [];
  const key = JSON.stringify(items);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.innerHTML = "";
  if (!items.length) {
    const li = document.createElement("li");
    li.className = "queue-empty";
    li.textContent = "nothing queued";
    list.appendChild(li);
  }
  for (const q of items) {
    const f = new Intl.DateTimeFormat("en-GB", { timeZone: q.tz, weekday: "short", day: "numeric",
      month: "short", hour: "2-digit", minute: "2-digit" });
    const li = document.createElement("li");
    li.className = "queue-item";
    li.dataset.owner = q.owner;
    li.dataset.kind = q.kind;
    const what = q.status === "sent" ? `${q.kind} reminder` : q.kind;
    li.textContent = `${q.owner_name} · ${q.account} · ${what} → ${f.format(new Date(q.goes_out_at))} (${q.tz})`;
    list.appendChild(li);
  }
}

// -- the loop -------------------------------------------------------------------------------------------------
function render() {
  if (!S.data) return;
  renderChrome();
  renderConv();
  renderModal();
}

async function refresh() {
  try {
    const r = await fetch(`/sandbox/ui?user=${encodeURIComponent(S.user)}`);
    if (!r.ok) {
      if (r.status === 400 && S.user !== "U0REP1") { S.user = "U0REP1"; return refresh(); }
      return;
    }
    S.data = await r.json();
    render();
  } catch (e) { /* keep polling */ }
}

function init() {
  $("user-switch").addEventListener("change", (e) => switchUser(e.target.value));
  $("workspace-switch").addEventListener("change", (e) => {
    const first = e.target.selectedOptions[0] && e.target.selectedOptions[0].dataset.firstUser;
    if (first) switchUser(first);
  });
  $("nav-home").addEventListener("click", (e) => { e.preventDefault(); go({ kind: "home" }); });
  $("nav-dm").addEventListener("click", (e) => { e.preventDefault(); go({ kind: "dm" }); });
  $("composer-input").addEventListener("input", updateMentionMenu);
  $("composer-input").addEventListener("keydown", onComposerKey);
  $("composer-input").addEventListener("blur", () => { Mention.items = []; renderMentionMenu(); });
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("composer-input");
    send(input.value);
    input.value = "";
  });
  for (const b of document.querySelectorAll("[data-clock]")) {
    b.addEventListener("click", async () => {
      const r = await post("/sandbox/clock", { action: b.dataset.clock });
      if (r.ok) toast(`clock moved; due jobs ran`);
      refreshClock();
    });
  }
  $("demo-data").addEventListener("click", async () => {
    const r = await post("/sandbox/demo-data", {});
    if (r.ok) toast("demo data loaded");
  });
  refresh().then(() => { if (S.nav.kind === "home") post("/sandbox/home", {}); refreshClock(); });
  setInterval(refresh, 800);
  setInterval(refreshClock, 5000);
}

init();
