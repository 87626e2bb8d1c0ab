// The live hall: the event stream says something changed, the page fetches the hall's figures and redraws.
// Shipped with the dispatcher (no CDN); text goes in with textContent only, so names are never markup.
"use strict";
(function () {
  const root = document.getElementById("hall");
  if (!root) return;
  const lang = document.body.dataset.lang === "en" ? "en" : "zh";
  const link = document.getElementById("link");
  let seq = null;
  let socket = null;
  let backoff = 1000;
  let lastGood = null;
  let lastHeard = 0;
  let queued = null;

  function text(pair) { return pair ? (pair[lang] || pair.zh || "") : ""; }
  function clock(s) {
    if (s === null || s === undefined) return "—";
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0") + ":" + String(r).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }
  function minutes(s) {
    if (s === null || s === undefined) return "—";
    return Math.round(s / 60) + (lang === "zh" ? " 分" : " min");
  }
  function stamp(d) { return d ? d.toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB") : "—"; }
  function cell(tr, value, cls) {
    const td = document.createElement("td");
    td.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function fill(id, rows, build) {
    const body = document.querySelector("#" + id + " tbody");
    const frag = document.createDocumentFragment();
    rows.forEach(function (row) {
      const tr = document.createElement("tr");
      build(tr, row);
      frag.appendChild(tr);
    });
    body.replaceChildren(frag);
  }

  function draw(view) {
    fill("queues", view.categories, function (tr, c) {
      tr.dataset.category = c.code;
      if (c.oldest_wait_s !== null && c.oldest_wait_s > c.target_s) tr.className = "over";
      cell(tr, c.code + " " + text(c.name));
      cell(tr, c.waiting, "n waiting");
      cell(tr, clock(c.oldest_wait_s), "n");
      cell(tr, minutes(c.estimated_wait_s), "n");
      cell(tr, minutes(c.target_s), "n");
    });
    fill("counters", view.counters, function (tr, c) {
      tr.dataset.counter = c.number;
      tr.className = "st-" + c.state;
      cell(tr, c.name);
      cell(tr, text(c.state_text), "state");
      cell(tr, c.staff_id ? c.staff_id + " " + (c.officer_name || "") : null);
      cell(tr, c.ticket ? c.ticket + " · " + text(c.ticket_state) : null, "ticket");
      cell(tr, c.state === "closed" ? null : clock(c.ticket ? c.ticket_for_s : c.for_s), "n");
      cell(tr, c.served, "n");
      cell(tr, clock(c.mean_service_s), "n");
      cell(tr, c.ratings.join(" / "), "n");
    });
    fill("officers", view.officers || [], function (tr, o) {
      tr.dataset.staff = o.staff_id;
      if (o.ratings[3] + o.ratings[4] > 0) tr.className = "over";
      cell(tr, o.staff_id + " " + o.name);
      o.ratings.forEach(function (n, i) { cell(tr, n, "n r" + i); });
      cell(tr, o.satisfied_pct === null ? null : o.satisfied_pct + "%", "n");
      cell(tr, o.open_cases, "n cases");
    });
    const alerts = document.getElementById("alerts");
    const items = view.alerts.map(function (a) {
      const li = document.createElement("li");
      li.className = a.level;
      li.dataset.kind = a.kind;
      li.textContent = text(a.text);
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "none";
      li.textContent = alerts.dataset.none;
      items.push(li);
    }
    alerts.replaceChildren.apply(alerts, items);
    const day = view.day;
    document.getElementById("no-day").classList.toggle("hidden", !!day);
    document.getElementById("day-name").textContent = day ? day.day : "";
    document.getElementById("commitment").textContent = day ? day.commitment : "—";
    const seed = document.getElementById("seed");
    seed.textContent = day && day.seed ? day.seed : seed.dataset.secret;
  }

  function live() {
    root.classList.remove("stale");
    link.className = "link live";
    link.textContent = link.dataset.live + " · " + stamp(lastGood);
  }
  function stale() {
    root.classList.add("stale");
    link.className = "link stale";
    link.textContent = link.dataset.stale + " " + stamp(lastGood);
  }

  async function refresh() {
    try {
      const r = await fetch(root.dataset.json, { credentials: "same-origin", cache: "no-store" });
      if (r.status === 401) {
        window.location.href = "/console/login?expired=1";
        return;
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      const view = await r.json();
      draw(view);
      seq = view.seq;
      lastGood = new Date();
      if (socket && socket.readyState === WebSocket.OPEN) live(); else stale();
    } catch (err) {
      stale();
    }
  }
  function soon() {
    if (queued) return;
    queued = setTimeout(function () { queued = null; refresh(); }, 150);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const since = seq === null ? "" : "?since=" + seq;
    const ws = new WebSocket(scheme + "//" + window.location.host + root.dataset.stream + since);
    socket = ws;
    ws.onopen = function () { backoff = 1000; lastHeard = Date.now(); };
    ws.onmessage = function (m) {
      lastHeard = Date.now();
      let msg = null;
      try { msg = JSON.parse(m.data); } catch (err) { return; }
      if (msg.type === "event" || msg.type === "snapshot" || msg.type === "hello") soon();
    };
    ws.onclose = function () {
      if (socket === ws) socket = null;
      stale();
      refresh();  // a 401 here means the session ended: go to the login page
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  // Ping the stream; a link that stays silent is dead even if the socket has not noticed.
  setInterval(function () {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - lastHeard > 30000) { socket.close(); return; }
    socket.send(JSON.stringify({ type: "ping" }));
  }, 10000);
  // Clocks (waits, service times) move on between events.
  setInterval(function () { if (socket && socket.readyState === WebSocket.OPEN) refresh(); }, 15000);

  refresh();
  connect();
})();
