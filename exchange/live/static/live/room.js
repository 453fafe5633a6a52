// The live room (exchange/live): chat, presence, hands, phases, notes and the
// facilitator's controls over one WebSocket (protocol: exchange/live/consumers.py).
//
// Delivery: the server stores every message with a per-room sequence number before
// it broadcasts it. This page keeps the last sequence it applied (lastSeq), says
// {"type":"hello","last_seq":lastSeq} on every (re)connect and gets exactly what it
// missed, in order. Messages arrive in seq order; an older or repeated one is
// ignored; one after a gap is kept back and the gap is asked for again ("resume").
//
// Nothing a member writes is lost: a message gets its client id when it is written
// and waits in localStorage until the server acknowledges it; after a reconnect or
// a reload it is sent again with the SAME client id (the server stores it once).
// The draft in the input field survives a reload too.
//
// Words come from the template (#live-strings, translated by Django); this file
// has none of its own. No libraries, no other hosts.
(function () {
  "use strict";

  var root = document.getElementById("live-room");
  if (!root || !window.WebSocket) return;

  // ---- helpers -------------------------------------------------------------

  var STRINGS = {};
  Array.prototype.forEach.call(
    document.querySelectorAll("#live-strings [data-s]"),
    function (el) { STRINGS[el.getAttribute("data-s")] = el.textContent.trim(); }
  );

  /** A translated string with {name} parts filled in. */
  function t(key, vars) {
    var text = STRINGS[key] || key;
    if (vars) {
      text = text.replace(/\{(\w+)\}/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : all;
      });
    }
    return text;
  }

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === "text") node.textContent = value;
        else if (name === "className") node.className = value;
        else if (name === "hidden") node.hidden = true;
        else node.setAttribute(name, value === true ? "" : value);
      });
    }
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // crypto.randomUUID exists only in secure contexts; getRandomValues everywhere.
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  var lang = document.documentElement.lang || "de";
  var timeFormat;
  try {
    timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
  } catch (e) {
    timeFormat = null;
  }
  function clock(iso) {
    var date = iso ? new Date(iso) : new Date();
    if (isNaN(date.getTime())) return "";
    return timeFormat ? timeFormat.format(date) : date.toTimeString().slice(0, 5);
  }

  // localStorage may be full, off or forbidden (private mode): the room still works.
  var store = {
    get: function (key, fallback) {
      try {
        var raw = window.localStorage.getItem(key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch (e) {
        return fallback;
      }
    },
    set: function (key, value) {
      try {
        if (value === null || value === "" || (Array.isArray(value) && !value.length)) {
          window.localStorage.removeItem(key);
        } else {
          window.localStorage.setItem(key, JSON.stringify(value));
        }
      } catch (e) { /* not stored: kept in this page only */ }
    },
  };

  // ---- state ---------------------------------------------------------------

  var data = root.dataset;
  var ME = Number(data.meId);
  var IS_FACILITATOR = data.facilitator === "1";
  var MAX_LENGTH = Number(data.maxLength) || 4000;
  // Per session and per member: a shared computer keeps one member's drafts from the next.
  var KEY = "komma.live." + data.sessionId + "." + ME + ".";
  var PHASES = Array.prototype.map.call(
    document.querySelectorAll("#live-phases li"),
    function (li) {
      return { key: li.getAttribute("data-phase"), label: li.querySelector(".live-phase-label").textContent.trim() };
    }
  );

  var room = {
    state: data.state,
    phase: data.phase,
    phaseEndsAt: data.phaseEndsAt ? Date.parse(data.phaseEndsAt) : null,
    chatLocked: data.chatLocked === "1",
    caseGiverMaySpeak: data.caseGiverMaySpeak === "1",
    notes: $("live-notes-input") ? $("live-notes-input").value : "",
    notesVersion: 0,
  };
  var me = { id: ME, name: data.meName, role: data.role || "consultant", muted: data.muted === "1" };
  var participants = [];
  var hands = [];
  var clockOffset = 0; // server time minus this browser's time, in ms

  var lastSeq = 0;
  var messages = new Map(); // seq → message as last received (edits applied)
  var held = new Map(); // seq → message received after a gap, waiting for the gap
  var resumeAsked = false;
  var replaying = false;
  var replayByHello = false; // a (re)connect's replay, not a resume after a gap
  var firstReplay = true;
  var replayCount = 0;

  // Messages written but not acknowledged: [{client_id, body, at, failed}]
  var pending = store.get(KEY + "pending", []);
  if (!Array.isArray(pending)) pending = [];

  // ---- elements ------------------------------------------------------------

  var log = $("live-log");
  var list = $("live-messages");
  var emptyNote = $("live-empty");
  var input = $("live-input");
  var form = $("live-composer");
  var sendButton = $("live-send");
  var why = $("live-input-why");
  var countValue = $("live-count-value");
  var announcer = $("live-announce");
  var alertBox = $("live-alert");
  var connBox = $("live-conn");
  var connText = $("live-conn-text");
  var dialog = $("live-dialog");

  // ---- announcements -------------------------------------------------------

  function announce(text) {
    if (!text) return;
    var line = el("p", { text: text });
    announcer.appendChild(line);
    while (announcer.childNodes.length > 5) announcer.removeChild(announcer.firstChild);
  }

  /** An error, read out at once (assertive); it stays until closed or replaced. */
  function showError(text) {
    alertBox.textContent = "";
    if (text) alertBox.appendChild(el("p", { text: text }));
    $("live-alert-row").classList.toggle("is-shown", !!text);
    $("live-alert-close").hidden = !text;
  }
  $("live-alert-close").addEventListener("click", function () {
    showError("");
    if (input.disabled) log.focus();
    else input.focus();
  });

  // ---- connection ----------------------------------------------------------

  var socket = null;
  var connection = 0; // counts the connections this page opened
  var welcomed = false;
  var attempt = 0;
  var retryTimer = null;
  var leaving = false;
  var finished = false; // no reconnect: logged out, forbidden, removed, ended
  var finishedWhy = "";

  function setConn(kind, text) {
    connBox.setAttribute("data-conn", kind);
    connText.textContent = text;
  }

  function wsUrl() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + location.host + data.wsPath;
  }

  function connect() {
    if (finished || leaving) return;
    clearTimeout(retryTimer);
    retryTimer = null;
    var ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = function () {
      if (socket !== ws) return;
      connection += 1;
      replaying = true;
      replayByHello = true;
      replayCount = 0;
      resumeAsked = false;
      held.clear();
      ws.send(JSON.stringify({ type: "hello", last_seq: lastSeq }));
    };
    ws.onmessage = function (event) {
      if (socket !== ws) return;
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (frame && typeof frame.type === "string") handle(frame);
    };
    ws.onclose = function (event) {
      if (socket !== ws) return;
      socket = null;
      onClosed(event.code);
    };
  }

  function onClosed(code) {
    stopTyping();
    if (leaving) return;
    if (code === 4401) {
      finish(t("close_4401"), true);
    } else if (code === 4403) {
      // After "state: ended" the server closes with 4403: that is the normal end.
      if (room.state === "ended") finish(null);
      else if (!finished) finish(t("close_4403"));
      else setConn("closed", t("disconnected"));
    } else if (code === 4404) {
      finish(t("close_4404"));
    } else if (code === 4001) {
      // Access changed: reconnect at once, the handshake decides anew.
      attempt = 0;
      connect();
    } else {
      scheduleReconnect();
    }
  }

  function finish(message, loginLink) {
    finished = true;
    finishedWhy = message || "";
    clearTimeout(retryTimer);
    setConn("closed", t("disconnected"));
    updateComposer();
    if (message) {
      showError(message);
      if (loginLink) {
        var next = encodeURIComponent(location.pathname);
        alertBox.appendChild(
          el("p", {}, [el("a", { href: data.loginUrl + "?next=" + next, text: t("login") })])
        );
      }
    }
  }

  function scheduleReconnect() {
    if (finished || leaving) return;
    attempt += 1;
    setConn("reconnecting", t("reconnecting", { n: attempt }));
    // Exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 30 s, each time a
    // random wait between half and all of it, so that a room does not return at once.
    var ceiling = Math.min(30000, 500 * Math.pow(2, attempt - 1));
    var delay = ceiling / 2 + Math.random() * (ceiling / 2);
    retryTimer = setTimeout(connect, delay);
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** Send a control frame, or say that there is no connection. */
  function command(frame) {
    if (!send(frame)) showError(t("offline_action"));
  }

  // A lost network often closes nothing: without this the socket would hang
  // half-open until the operating system gives up.
  window.addEventListener("offline", function () {
    if (socket) socket.close(1000);
  });
  window.addEventListener("online", function () {
    if (retryTimer) {
      attempt = 0;
      connect();
    }
  });
  window.addEventListener("pagehide", function () {
    leaving = true;
    if (socket) socket.close(1000);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && leaving) {
      leaving = false;
      connect();
    }
  });

  // ---- frames from the server ---------------------------------------------

  function handle(frame) {
    switch (frame.type) {
      case "welcome": return onWelcome(frame);
      case "message": return onMessage(frame);
      case "replay.done": return onReplayDone(frame);
      case "ack": return onAck(frame);
      case "message.edited": return onEdited(frame);
      case "message.deleted": return onDeleted(frame);
      case "presence":
      case "roles":
        return setParticipants(frame.participants || []);
      case "typing": return onTyping(frame);
      case "hands": return setHands(frame.queue || []);
      case "phase": return onPhase(frame);
      case "state": return onState(frame);
      case "chat.locked": return onLocked(frame.locked);
      case "case_giver.speak": return onSpeak(frame.allowed);
      case "notes": return onNotes(frame);
      case "notes.conflict": return onNotesConflict(frame);
      case "removed": return onRemoved(frame);
      case "muted": return onMuted(frame.muted);
      case "error": return onError(frame);
      default: return undefined; // newer servers may say more; ignore what we do not know
    }
  }

  function onWelcome(frame) {
    attempt = 0;
    setConn("open", t("connected"));
    if (frame.server_time) {
      var server = Date.parse(frame.server_time);
      if (!isNaN(server)) clockOffset = server - Date.now();
    }
    var s = frame.session || {};
    if (frame.me) {
      me.role = frame.me.role || me.role;
      me.muted = !!frame.me.muted;
    }
    // On a reconnect, say what changed while the connection was away.
    var say = welcomed;
    welcomed = true;
    if (say && !!s.chat_locked !== room.chatLocked) onLocked(!!s.chat_locked);
    room.chatLocked = !!s.chat_locked;
    room.caseGiverMaySpeak = !!s.case_giver_may_speak;
    setPhase(s.phase || "", s.phase_ends_at, say);
    setState(s.state || room.state, say);
    if (typeof s.notes === "string") receiveNotes(s.notes, s.notes_version || 0, null);
    setParticipants(frame.participants || []);
    if (Array.isArray(frame.hands)) setHands(frame.hands);
    showRole();
    updateLockButtons();
    updateComposer();
  }

  // -- messages --

  function onMessage(m) {
    if (typeof m.seq !== "number") return;
    if (m.seq <= lastSeq) return; // a duplicate (replay overlapping live events)
    if (m.seq > lastSeq + 1) {
      held.set(m.seq, m);
      askForGap();
      return;
    }
    apply(m);
    drainHeld();
  }

  function apply(m) {
    lastSeq = m.seq;
    messages.set(m.seq, m);
    var mine = m.author && m.author.id === ME;
    if (mine && m.client_id) settlePending(m.client_id);
    list.appendChild(renderMessage(m));
    emptyNote.hidden = true;
    if (m.author && typers.delete(m.author.id)) renderTyping(); // they sent it: no longer typing
    stickToBottom();
    if (replaying && replayByHello) {
      replayCount += 1;
    } else if (!mine && !m.deleted) {
      announce(t("new_message", { name: authorName(m), text: m.body }));
    }
  }

  function drainHeld() {
    var next = held.get(lastSeq + 1);
    while (next) {
      held.delete(next.seq);
      apply(next);
      next = held.get(lastSeq + 1);
    }
    held.forEach(function (m, seq) { if (seq <= lastSeq) held.delete(seq); });
    if (held.size) askForGap();
  }

  function askForGap() {
    if (resumeAsked || replaying) return; // the running replay fills it
    if (!send({ type: "resume", last_seq: lastSeq })) return;
    resumeAsked = true;
    replaying = true;
    replayByHello = false;
  }

  function onReplayDone(frame) {
    // Everything up to the server's last_seq has been sent; a number not sent was
    // never stored (so nothing is waiting for it).
    if (typeof frame.last_seq === "number" && frame.last_seq > lastSeq && !held.size) {
      lastSeq = frame.last_seq;
    }
    replaying = false;
    resumeAsked = false;
    if (replayByHello && !firstReplay && replayCount) announce(t("missed", { n: replayCount }));
    if (replayByHello) firstReplay = false;
    replayByHello = false;
    replayCount = 0;
    // The replay covered everything stored up to now, so a number still missing
    // before a held message was never stored: go on from the held one.
    held.forEach(function (m, seq) { if (seq <= lastSeq) held.delete(seq); });
    if (held.size) lastSeq = Math.min.apply(null, Array.from(held.keys())) - 1;
    drainHeld();
    flushPending();
  }

  function authorName(m) {
    return m.author && m.author.name ? m.author.name : t("unknown_author");
  }

  function renderMessage(m) {
    var mine = m.author && m.author.id === ME;
    var item = el("li", {
      className: "live-msg" + (mine ? " is-own" : "") + (m.deleted ? " is-deleted" : ""),
      id: "live-msg-" + m.seq,
      "data-seq": m.seq,
    });
    fillMessage(item, m);
    return item;
  }

  function fillMessage(item, m) {
    var mine = m.author && m.author.id === ME;
    item.textContent = "";
    item.classList.toggle("is-deleted", !!m.deleted);
    var name = authorName(m);
    var meta = el("p", { className: "live-msg-meta" }, [
      el("span", { className: "live-msg-author", text: name }),
      mine ? el("span", { className: "visually-hidden", text: " (" + t("you") + ")" }) : null,
      " ",
      el("time", { datetime: m.created_at || "", text: clock(m.created_at) }),
      m.edited_at && !m.deleted
        ? el("span", { className: "live-msg-edited", text: " · " + t("edited") })
        : null,
    ]);
    item.appendChild(meta);
    if (m.deleted) {
      item.appendChild(el("p", {
        className: "live-msg-body",
        text: m.deleted_by === "facilitator" ? t("deleted_by_facilitator") : t("deleted"),
      }));
      return;
    }
    item.appendChild(el("p", { className: "live-msg-body", text: m.body }));
    var context = t("message_from", { name: name, time: clock(m.created_at) });
    var actions = [];
    if (mine) {
      actions.push(actionButton(t("edit"), context, function (button) {
        startEdit(item, m, button);
      }, "edit"));
      actions.push(actionButton(t("delete"), context, function (button) {
        confirmDialog({
          title: t("delete_own_title"), text: t("delete_own_text"), confirm: t("delete"),
          opener: button,
        }, function () { command({ type: "message.delete", seq: m.seq }); });
      }, "delete"));
    } else if (IS_FACILITATOR) {
      actions.push(actionButton(t("delete"), context, function (button) {
        confirmDialog({
          title: t("delete_other_title"), text: t("delete_other_text", { name: name }),
          confirm: t("delete"), reason: true, opener: button,
        }, function (reason) { command({ type: "message.delete", seq: m.seq, reason: reason }); });
      }, "delete"));
    }
    if (actions.length) item.appendChild(el("div", { className: "live-msg-actions" }, actions));
  }

  /** A small button whose accessible name says which message it acts on. */
  function actionButton(label, context, onClick, action) {
    var button = el("button", { type: "button", className: "live-small", "data-action": action }, [
      label,
      el("span", { className: "visually-hidden", text: " – " + context }),
    ]);
    button.addEventListener("click", function () { onClick(button); });
    return button;
  }

  function startEdit(item, m, opener) {
    if (item.querySelector("form")) return;
    var fieldId = "live-edit-" + m.seq;
    var area = el("textarea", { id: fieldId, rows: "3", maxlength: String(MAX_LENGTH) });
    area.value = m.body;
    var save = el("button", { type: "submit", className: "live-small", text: t("save") });
    var cancel = el("button", { type: "button", className: "live-small", text: t("cancel") });
    var editForm = el("form", { className: "live-edit", novalidate: true }, [
      el("label", { for: fieldId, text: t("edit_label") }),
      area,
      el("div", { className: "live-msg-actions" }, [save, cancel]),
    ]);
    var body = item.querySelector(".live-msg-body");
    var actions = item.querySelector(".live-msg-actions");
    body.hidden = true;
    if (actions) actions.hidden = true;
    item.appendChild(editForm);
    area.focus();

    function close() {
      editing.delete(m.seq);
      var hadFocus = editForm.contains(document.activeElement);
      editForm.remove();
      body.hidden = false;
      if (actions) actions.hidden = false;
      var again = item.querySelector(".live-msg-actions button");
      if (hadFocus || document.activeElement === document.body) (again || opener).focus();
    }
    // The form stays open until the server confirms (message.edited) or refuses
    // (error): a refused edit keeps its text.
    var entry = {
      submitted: false,
      done: function () { close(); fillMessage(item, m); },
      refused: function () { entry.submitted = false; save.disabled = false; },
    };
    editing.set(m.seq, entry);
    cancel.addEventListener("click", close);
    area.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        editForm.requestSubmit();
      }
    });
    editForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = area.value;
      if (!text.trim()) {
        showError(t("empty"));
        return;
      }
      if (text === m.body) {
        close();
        return;
      }
      if (send({ type: "message.edit", seq: m.seq, body: text })) {
        entry.submitted = true;
        save.disabled = true;
      }
      else showError(t("offline_action"));
    });
  }

  function onEdited(frame) {
    var m = messages.get(frame.seq) || held.get(frame.seq);
    if (!m) return;
    m.body = frame.body;
    m.edited_at = frame.edited_at || new Date().toISOString();
    var item = $("live-msg-" + frame.seq);
    var edit = editing.get(frame.seq);
    if (edit && edit.submitted) edit.done();
    else if (item && !item.querySelector("form")) fillMessage(item, m);
  }
  var editing = new Map(); // seq → the open edit form of an own message

  function onDeleted(frame) {
    var m = messages.get(frame.seq) || held.get(frame.seq);
    if (!m) return;
    m.deleted = true;
    m.body = "";
    m.deleted_by = frame.by;
    editing.delete(frame.seq);
    var item = $("live-msg-" + frame.seq);
    if (item) {
      var hadFocus = item.contains(document.activeElement);
      fillMessage(item, m);
      if (hadFocus) log.focus();
    }
  }

  function stickToBottom() {
    // Follow new messages only when the reader is at the end already.
    var nearEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
    if (nearEnd || replaying) log.scrollTop = log.scrollHeight;
  }

  // -- own messages waiting for their ack --

  var pendingList = el("ol", { className: "live-messages live-pending", id: "live-pending" });
  log.appendChild(pendingList);

  function savePending() {
    store.set(KEY + "pending", pending.map(function (p) {
      return { client_id: p.client_id, body: p.body, at: p.at, failed: !!p.failed };
    }));
  }

  function renderPending(p) {
    var item = p.node || el("li", { className: "live-msg is-own is-pending" });
    p.node = item;
    item.textContent = "";
    item.setAttribute("data-client-id", p.client_id);
    item.classList.toggle("is-failed", !!p.failed);
    item.appendChild(el("p", { className: "live-msg-meta" }, [
      el("span", { className: "live-msg-author", text: me.name }),
      " ",
      el("time", { datetime: p.at, text: clock(p.at) }),
      " · ",
      el("span", {
        className: "live-msg-status",
        text: p.failed ? t("not_sent") : p.acked ? t("sent") : t("sending"),
      }),
    ]));
    item.appendChild(el("p", { className: "live-msg-body", text: p.body }));
    if (p.failed) {
      var context = t("message_from", { name: me.name, time: clock(p.at) });
      item.appendChild(el("div", { className: "live-msg-actions" }, [
        actionButton(t("retry"), context, function () {
          p.failed = false;
          savePending();
          renderPending(p);
          p.sentOn = null;
          if (!replaying) sendPending(p);
          input.focus();
        }),
        actionButton(t("to_composer"), context, function () {
          input.value = input.value ? input.value + "\n" + p.body : p.body;
          dropPending(p.client_id);
          saveDraft();
          updateCount();
          input.focus();
        }),
        actionButton(t("discard"), context, function () {
          dropPending(p.client_id);
          input.focus();
        }),
      ]));
    }
    if (!item.parentNode) pendingList.appendChild(item);
    emptyNote.hidden = true;
    stickToBottom();
  }

  function findPending(clientId) {
    for (var i = 0; i < pending.length; i += 1) {
      if (pending[i].client_id === clientId) return pending[i];
    }
    return null;
  }

  function dropPending(clientId) {
    var p = findPending(clientId);
    if (!p) return;
    pending.splice(pending.indexOf(p), 1);
    if (p.node) p.node.remove();
    savePending();
    if (!messages.size && !pending.length) emptyNote.hidden = false;
  }

  var ackedNodes = new Map(); // client id → its node, shown until the broadcast arrives

  /** The message is stored and shown with its sequence number: the copy goes. */
  function settlePending(clientId) {
    dropPending(clientId);
    var node = ackedNodes.get(clientId);
    if (node) {
      node.remove();
      ackedNodes.delete(clientId);
    }
  }

  function onAck(frame) {
    var p = findPending(frame.client_id);
    if (!p) return;
    // Stored on the server: nothing to send again, so it leaves localStorage.
    pending.splice(pending.indexOf(p), 1);
    savePending();
    if (messages.has(frame.seq)) {
      if (p.node) p.node.remove();
      return;
    }
    // Keep showing it ("sent") until its broadcast arrives in order.
    p.acked = true;
    renderPending(p);
    ackedNodes.set(frame.client_id, p.node);
    if (frame.seq > lastSeq + 1) askForGap(); // something before ours has not come yet
  }

  /** Send what waits and has not gone out on this connection (same client id). */
  function flushPending() {
    pending.forEach(function (p) {
      if (!p.failed && p.sentOn !== connection) sendPending(p);
    });
  }

  function sendPending(p) {
    if (send({ type: "message.send", client_id: p.client_id, body: p.body })) p.sentOn = connection;
  }

  function submitMessage() {
    var text = input.value;
    if (!text.trim()) {
      showError(t("empty"));
      input.focus();
      return;
    }
    if (text.length > MAX_LENGTH) {
      showError(t("too_long"));
      return;
    }
    var reason = whyNot();
    if (reason) {
      showError(reason);
      return;
    }
    var p = { client_id: uuid4(), body: text, at: new Date(Date.now() + clockOffset).toISOString() };
    pending.push(p);
    savePending(); // before it leaves: a reload now still has it
    renderPending(p);
    input.value = "";
    saveDraft();
    updateCount();
    lastTypingSent = 0;
    showError("");
    // While a replay runs the message waits: it goes out after replay.done.
    if (!replaying) sendPending(p);
    log.scrollTop = log.scrollHeight;
  }

  // -- composer --

  function whyNot() {
    if (room.state === "ended" || room.state === "cancelled") return t("why_ended");
    if (room.state !== "live") return t("why_not_live");
    if (IS_FACILITATOR || me.role === "facilitator") return "";
    if (me.muted) return t("why_muted");
    if (room.chatLocked) return t("why_locked");
    if (me.role === "case_giver" && room.phase === "advice" && !room.caseGiverMaySpeak) {
      return t("why_listen");
    }
    return "";
  }

  function updateComposer() {
    var reason = whyNot() || (finished ? finishedWhy || t("disconnected") : "");
    input.disabled = !!reason;
    sendButton.disabled = !!reason;
    why.hidden = !reason;
    why.textContent = reason;
  }

  function updateCount() {
    var length = input.value.length;
    countValue.textContent = String(length);
    countValue.parentNode.classList.toggle("is-near", length > MAX_LENGTH - 200);
  }

  function saveDraft() {
    store.set(KEY + "draft", input.value);
  }

  var lastTypingSent = 0;
  var atLimitSaid = false;
  input.addEventListener("input", function () {
    updateCount();
    saveDraft();
    if (input.value.length >= MAX_LENGTH) {
      if (!atLimitSaid) announce(t("at_limit"));
      atLimitSaid = true;
    } else {
      atLimitSaid = false;
    }
    var now = Date.now();
    if (input.value.trim() && now - lastTypingSent > 2000) {
      if (send({ type: "typing" })) lastTypingSent = now;
    }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitMessage();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitMessage();
  });

  // -- typing --

  var typers = new Map(); // id → {name, until}
  var typingTimer = null;

  function onTyping(frame) {
    if (!frame.user || frame.user.id === ME) return;
    typers.set(frame.user.id, { name: frame.user.name, until: Date.now() + 4000 });
    renderTyping();
  }

  function renderTyping() {
    var now = Date.now();
    var names = [];
    typers.forEach(function (who, id) {
      if (who.until < now) typers.delete(id);
      else names.push(who.name);
    });
    var box = $("live-typing");
    if (!names.length) box.textContent = "";
    else if (names.length === 1) box.textContent = t("typing_one", { name: names[0] });
    else box.textContent = t("typing_many", { names: names.join(", ") });
    clearTimeout(typingTimer);
    if (names.length) typingTimer = setTimeout(renderTyping, 1000);
  }

  function stopTyping() {
    typers.clear();
    renderTyping();
  }

  // ---- room state ----------------------------------------------------------

  function setState(state, say) {
    var changed = state !== room.state;
    room.state = state;
    root.setAttribute("data-state", state);
    $("live-state-label").textContent = t("state_" + state);
    var ended = state === "ended" || state === "cancelled";
    $("live-ended").hidden = !ended;
    showMinutesOffer();
    updateControls();
    updateComposer();
    if (changed && say) announce(t("state_now", { state: t("state_" + state) }));
    if (changed && ended && say) {
      var heading = $("live-ended-heading");
      if (heading) heading.focus();
    }
  }

  function showMinutesOffer() {
    var offer = $("live-minutes-offer");
    // Who gets the minutes (minutes.may_get_minutes): case giver, secretary, facilitator.
    if (offer) offer.hidden = !(IS_FACILITATOR || ["case_giver", "secretary", "facilitator"].indexOf(me.role) >= 0);
  }

  function onState(frame) {
    setState(frame.state, true);
    if (frame.state === "ended") {
      // The server closes the socket now; that is no failure.
      finished = true;
      pending.forEach(function (p) {
        p.failed = true;
        renderPending(p);
      });
      savePending();
    }
  }

  function phaseIndex(key) {
    for (var i = 0; i < PHASES.length; i += 1) if (PHASES[i].key === key) return i;
    return -1;
  }

  function setPhase(key, endsAt, say) {
    var changed = key !== room.phase;
    room.phase = key;
    room.phaseEndsAt = endsAt ? Date.parse(endsAt) : null;
    timeUpSaid = false;
    var index = phaseIndex(key);
    Array.prototype.forEach.call(document.querySelectorAll("#live-phases li"), function (li, i) {
      if (i === index) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
      li.classList.toggle("is-done", index >= 0 && i < index);
    });
    var label = index >= 0 ? PHASES[index].label : "";
    $("live-phase-now").textContent = index >= 0
      ? t("phase_of", { number: index + 1, total: PHASES.length, label: label })
      : t("no_phase");
    updateControls();
    tick();
    updateComposer();
    if (changed && say && label) announce(t("phase_now", { label: label }));
  }

  /** What can be pressed now: the server would refuse the rest. */
  function updateControls() {
    var live = room.state === "live";
    var ended = room.state === "ended" || room.state === "cancelled";
    var index = phaseIndex(room.phase);
    $("live-hand").disabled = !live;
    if (!IS_FACILITATOR) return;
    $("live-start").hidden = room.state !== "lobby";
    $("live-prev").disabled = !live || index <= 0;
    $("live-next").disabled = !live || index >= PHASES.length - 1;
    ["live-minutes", "live-lock", "live-speak"].forEach(function (id) { $(id).disabled = !live; });
    $("live-end").disabled = ended;
  }

  function onPhase(frame) {
    setPhase(frame.phase, frame.ends_at, true);
  }

  var timeUpSaid = false;
  function tick() {
    var value = $("live-timer-value");
    if (!room.phaseEndsAt || room.state !== "live") {
      value.textContent = "–";
      value.classList.remove("is-over");
      return;
    }
    var left = Math.round((room.phaseEndsAt - (Date.now() + clockOffset)) / 1000);
    if (left <= 0) {
      value.textContent = "0:00 – " + t("time_up");
      value.classList.add("is-over");
      if (!timeUpSaid) {
        timeUpSaid = true;
        announce(t("time_up_announce"));
      }
      return;
    }
    value.classList.remove("is-over");
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    value.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }
  setInterval(tick, 1000);

  function onLocked(locked) {
    var changed = locked !== room.chatLocked;
    room.chatLocked = !!locked;
    updateLockButtons();
    updateComposer();
    if (changed) announce(locked ? t("locked_now") : t("unlocked_now"));
  }

  function onSpeak(allowed) {
    var changed = allowed !== room.caseGiverMaySpeak;
    room.caseGiverMaySpeak = !!allowed;
    updateLockButtons();
    updateComposer();
    if (changed) announce(allowed ? t("speak_on") : t("speak_off"));
  }

  function updateLockButtons() {
    var lock = $("live-lock");
    // The labels say what a press does (no aria-pressed beside a changing label).
    if (lock) lock.textContent = room.chatLocked ? t("unlock") : t("lock");
    var speak = $("live-speak");
    if (speak) speak.textContent = room.caseGiverMaySpeak ? t("speak_forbid") : t("speak_allow");
  }

  function onMuted(muted) {
    me.muted = !!muted;
    updateComposer();
    announce(muted ? t("you_muted") : t("you_unmuted"));
    if (muted) showError(t("you_muted"));
  }

  function onRemoved(frame) {
    finish(t("removed", { reason: frame.reason || "" }));
  }

  function onError(frame) {
    var message = frame.message || frame.code;
    if (frame.code === "full") {
      finish(message || t("full"));
      return;
    }
    var p = frame.ref ? findPending(String(frame.ref)) : null;
    if (p) {
      // Refused (rate limit, muted, locked …): nothing was stored. The text stays
      // here, to send again or to take back into the input field.
      p.failed = true;
      savePending();
      renderPending(p);
    }
    notesSaving = false;
    if (typeof frame.ref === "number" && editing.has(frame.ref)) editing.get(frame.ref).refused();
    showError(t("error", { message: message }));
  }

  function showRole() {
    var role = $("live-my-role");
    if (role) role.textContent = t("role_" + me.role);
    root.setAttribute("data-role", me.role);
    showMinutesOffer();
    setupNotes();
    updateComposer();
  }

  // ---- people and hands ----------------------------------------------------

  function setParticipants(people) {
    participants = people;
    var mine = null;
    people.forEach(function (p) { if (p.id === ME) mine = p; });
    if (mine) {
      var roleChanged = mine.role !== me.role;
      me.role = mine.role || me.role;
      me.muted = !!mine.muted;
      if (roleChanged) showRole();
    }
    renderPeople();
    updateComposer();
  }

  var ROLE_ORDER = { facilitator: 0, case_giver: 1, secretary: 2, consultant: 3 };

  function renderPeople() {
    var box = $("live-people");
    var focusedId = document.activeElement && box.contains(document.activeElement)
      ? document.activeElement.id : null;
    var openIds = Array.prototype.map.call(box.querySelectorAll("details[open]"), function (d) {
      return d.id;
    });
    // A role being chosen is kept when presence redraws the list.
    var chosen = {};
    Array.prototype.forEach.call(box.querySelectorAll("select"), function (select) {
      chosen[select.id] = select.value;
    });
    box.textContent = "";
    var online = 0;
    participants.slice().sort(function (a, b) {
      if (!!b.online !== !!a.online) return a.online ? -1 : 1;
      var r = (ROLE_ORDER[a.role] || 9) - (ROLE_ORDER[b.role] || 9);
      return r || String(a.name).localeCompare(String(b.name), lang);
    }).forEach(function (p) {
      if (p.online) online += 1;
      var facts = [t("role_" + p.role), p.online ? t("online") : t("offline")];
      if (p.muted) facts.push(t("muted"));
      if (p.hand_raised_at) facts.push(t("hand_up"));
      var item = el("li", {
        className: "live-person" + (p.online ? " is-online" : ""),
        "data-person": String(p.id),
        "data-muted": p.muted ? "1" : "0",
      }, [
        el("span", { className: "live-dot", "aria-hidden": "true" }),
        el("span", { className: "live-person-name", text: p.name }),
        p.id === ME ? el("span", { className: "live-person-you", text: " (" + t("you") + ")" }) : null,
        el("span", { className: "live-person-facts", text: facts.join(" · ") }),
      ]);
      if (IS_FACILITATOR && p.id !== ME && p.role !== "facilitator") {
        item.appendChild(personActions(p));
      }
      box.appendChild(item);
    });
    $("live-online-count").textContent = String(online);
    openIds.forEach(function (id) {
      var d = document.getElementById(id);
      if (d) d.open = true;
    });
    Object.keys(chosen).forEach(function (id) {
      var select = document.getElementById(id);
      if (select) select.value = chosen[id];
    });
    if (focusedId && document.getElementById(focusedId)) document.getElementById(focusedId).focus();
  }

  function personActions(p) {
    var base = "live-person-" + p.id;
    var select = el("select", { id: base + "-role" });
    ["case_giver", "consultant", "secretary"].forEach(function (role) {
      var option = el("option", { value: role, text: t("role_" + role) });
      if (role === p.role) option.selected = true;
      select.appendChild(option);
    });
    var assign = el("button", { type: "button", className: "live-small", id: base + "-assign", text: t("assign_role") });
    assign.addEventListener("click", function () {
      command({ type: "role.assign", user_id: p.id, role: select.value });
    });
    var mute = el("button", {
      type: "button", className: "live-small", id: base + "-mute",
      text: p.muted ? t("unmute") : t("mute"),
    });
    mute.addEventListener("click", function () {
      if (p.muted) {
        command({ type: "participant.unmute", user_id: p.id });
        return;
      }
      confirmDialog({
        title: t("mute_title", { name: p.name }), text: t("mute_text", { name: p.name }),
        confirm: t("mute"), reason: true, opener: mute,
      }, function (reason) { command({ type: "participant.mute", user_id: p.id, reason: reason }); });
    });
    var remove = el("button", {
      type: "button", className: "live-small live-danger", id: base + "-remove", text: t("remove"),
    });
    remove.addEventListener("click", function () {
      confirmDialog({
        title: t("remove_title", { name: p.name }), text: t("remove_text", { name: p.name }),
        confirm: t("remove"), reason: true, opener: remove,
      }, function (reason) { command({ type: "participant.remove", user_id: p.id, reason: reason }); });
    });
    return el("details", { className: "live-person-actions", id: base + "-actions" }, [
      el("summary", { id: base + "-summary", text: t("actions_for", { name: p.name }) }),
      el("div", { className: "live-person-controls" }, [
        el("label", { for: base + "-role", text: t("role_label") }),
        el("div", { className: "live-buttons" }, [select, assign]),
        el("div", { className: "live-buttons" }, [mute, remove]),
      ]),
    ]);
  }

  function setHands(queue) {
    hands = queue;
    var box = $("live-hands");
    var hadFocus = box.contains(document.activeElement);
    box.textContent = "";
    var mineUp = false;
    queue.forEach(function (h) {
      if (h.id === ME) mineUp = true;
      var item = el("li", {}, [
        el("span", { text: h.name }),
        h.id === ME ? el("span", { text: " (" + t("you") + ")" }) : null,
        " ",
        el("time", { datetime: h.raised_at || "", className: "live-muted-text", text: clock(h.raised_at) }),
      ]);
      if (IS_FACILITATOR && h.id !== ME) {
        var lower = el("button", { type: "button", className: "live-small", text: t("lower_hand_of", { name: h.name }) });
        lower.addEventListener("click", function () {
          command({ type: "hand.lower", user_id: h.id });
        });
        item.appendChild(lower);
      }
      box.appendChild(item);
    });
    $("live-hands-empty").hidden = queue.length > 0;
    var button = $("live-hand");
    button.textContent = mineUp ? t("lower_hand") : t("raise_hand");
    button.setAttribute("data-up", mineUp ? "1" : "0");
    if (hadFocus) button.focus();
  }

  $("live-hand").addEventListener("click", function () {
    var up = this.getAttribute("data-up") === "1";
    command({ type: up ? "hand.lower" : "hand.raise" });
  });

  // ---- shared notes --------------------------------------------------------

  var notesForm = $("live-notes-form");
  var notesInput = $("live-notes-input");
  var notesText = $("live-notes-text");
  var notesStatus = $("live-notes-status");
  var notesBase = room.notes; // the server's text my edit started from
  var notesSaving = false;
  var savedLocal = store.get(KEY + "notes", null);

  function mayEditNotes() {
    return IS_FACILITATOR || me.role === "secretary" || me.role === "facilitator";
  }

  function setupNotes() {
    var editable = mayEditNotes() && room.state !== "ended";
    notesForm.hidden = !editable;
    $("live-notes-read").hidden = editable;
  }

  function notesDirty() {
    return notesInput.value !== notesBase;
  }

  function receiveNotes(text, version, by) {
    room.notesVersion = version;
    notesText.textContent = text;
    if (savedLocal && typeof savedLocal.text === "string") {
      // Unsaved notes from before a reload: they go back into the field.
      var local = savedLocal;
      savedLocal = null;
      if (local.text !== text) {
        notesInput.value = local.text;
        notesBase = local.version === version ? text : local.base || "";
      }
    }
    if (!notesDirty() || notesInput.value === text) {
      notesInput.value = text;
      notesBase = text;
      notesSaving = false;
      store.set(KEY + "notes", null);
      $("live-notes-conflict").hidden = true;
      notesStatus.textContent = t("notes_saved", { version: version });
      if (by && by.id !== ME) announce(t("notes_by", { name: by.name }));
      return;
    }
    notesStatus.textContent = t("notes_unsaved");
    if (text !== notesBase) {
      // Someone saved while I was editing: my text stays, theirs is shown beside it.
      notesBase = text;
      showConflict(text);
      if (by && by.id !== ME) notesStatus.textContent = t("notes_changed", { name: by.name });
    }
  }

  function onNotes(frame) {
    receiveNotes(frame.text || "", frame.version || 0, frame.by || null);
  }

  function onNotesConflict(frame) {
    notesSaving = false;
    room.notesVersion = frame.version || 0;
    notesBase = frame.text || "";
    notesText.textContent = notesBase;
    showConflict(notesBase);
    notesStatus.textContent = t("notes_conflict"); // the error frame after it is read out
  }

  function showConflict(text) {
    $("live-notes-current").value = text;
    $("live-notes-conflict").hidden = false;
  }

  notesInput.addEventListener("input", function () {
    notesStatus.textContent = t("notes_unsaved");
    store.set(KEY + "notes", { text: notesInput.value, version: room.notesVersion, base: notesBase });
  });
  $("live-notes-take").addEventListener("click", function () {
    notesInput.value = $("live-notes-current").value;
    $("live-notes-conflict").hidden = true;
    store.set(KEY + "notes", null);
    notesStatus.textContent = notesDirty() ? t("notes_unsaved") : t("notes_saved", { version: room.notesVersion });
    notesInput.focus();
  });
  notesForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (send({ type: "notes.update", version: room.notesVersion, text: notesInput.value })) {
      notesSaving = true;
      $("live-notes-conflict").hidden = true;
      notesStatus.textContent = t("notes_saving");
    } else {
      showError(t("offline_action"));
    }
  });

  // ---- the facilitator's controls -------------------------------------------

  function minutesValue() {
    var field = $("live-minutes");
    var value = parseInt(field.value, 10);
    return value > 0 ? value : null;
  }

  function goPhase(step) {
    var index = phaseIndex(room.phase) + step;
    if (index < 0 || index >= PHASES.length) return;
    var frame = { type: "phase.set", phase: PHASES[index].key };
    var minutes = minutesValue();
    if (minutes) frame.minutes = minutes;
    if (send(frame)) $("live-minutes").value = ""; // for this phase only
    else showError(t("offline_action"));
  }

  if (IS_FACILITATOR) {
    $("live-start").addEventListener("click", function () { command({ type: "session.start" }); });
    $("live-next").addEventListener("click", function () { goPhase(1); });
    $("live-prev").addEventListener("click", function () { goPhase(-1); });
    $("live-lock").addEventListener("click", function () {
      command({ type: room.chatLocked ? "chat.unlock" : "chat.lock" });
    });
    $("live-speak").addEventListener("click", function () {
      command({ type: "case_giver.speak", allowed: !room.caseGiverMaySpeak });
    });
    $("live-end").addEventListener("click", function () {
      confirmDialog({
        title: t("end_title"), text: t("end_text"), confirm: t("confirm_end"),
        opener: $("live-end"), danger: true,
      }, function () { command({ type: "session.end" }); });
    });
  }

  // ---- the dialog ------------------------------------------------------------

  var dialogAction = null;
  var dialogOpener = null;
  var dialogNeedsReason = false;

  function confirmDialog(options, action) {
    dialogAction = action;
    dialogOpener = options.opener || null;
    dialogNeedsReason = !!options.reason;
    $("live-dialog-title").textContent = options.title;
    $("live-dialog-text").textContent = options.text || "";
    $("live-dialog-reason-field").hidden = !dialogNeedsReason;
    $("live-dialog-reason").value = "";
    $("live-dialog-reason").required = dialogNeedsReason;
    $("live-dialog-reason").removeAttribute("aria-invalid");
    $("live-dialog-error").hidden = true;
    var confirm = $("live-dialog-confirm");
    confirm.textContent = options.confirm;
    confirm.classList.toggle("button-danger", !!options.danger || dialogNeedsReason);
    if (dialog.showModal) dialog.showModal();
    else dialog.setAttribute("open", "");
    (dialogNeedsReason ? $("live-dialog-reason") : $("live-dialog-cancel")).focus();
  }

  function closeDialog() {
    if (dialog.close) dialog.close();
    else dialog.removeAttribute("open");
  }

  $("live-dialog-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = $("live-dialog-reason").value.trim();
    if (dialogNeedsReason && !reason) {
      $("live-dialog-error").hidden = false;
      $("live-dialog-reason").setAttribute("aria-invalid", "true");
      $("live-dialog-reason").focus();
      return;
    }
    var action = dialogAction;
    dialogAction = null;
    closeDialog();
    if (action) action(reason);
  });
  $("live-dialog-cancel").addEventListener("click", closeDialog);
  dialog.addEventListener("close", function () {
    dialogAction = null;
    var opener = dialogOpener;
    dialogOpener = null;
    // The list may have been redrawn meanwhile: the same control by its id.
    if (opener && !document.body.contains(opener) && opener.id) opener = $(opener.id);
    if (opener && document.body.contains(opener)) opener.focus();
    else input.focus();
  });

  // ---- start ---------------------------------------------------------------

  input.value = store.get(KEY + "draft", "") || "";
  updateCount();
  pending.forEach(function (p) { renderPending(p); });
  setPhase(room.phase, data.phaseEndsAt || null, false);
  setState(room.state, false);
  setupNotes();
  updateLockButtons();
  updateComposer();
  if (room.state === "ended" || room.state === "cancelled") {
    finished = true;
    setConn("closed", t("disconnected"));
  } else {
    connect();
  }
})();
