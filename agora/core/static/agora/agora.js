// Agora's small script: live updates over websockets (see agora/core/live.py).
// Pages work without it; it only applies changes as they happen: a space's
// activity feed, a thread's replies (thread and lesson pages), the unread
// notifications badge. After a dropped connection it reconnects with backoff
// and jitter, and the server replays what was missed from the event log.
(function () {
  "use strict";

  var NOT_ALLOWED = 4403;
  var LAYER_DOWN = 4503;
  var sockets = [];
  var leaving = false;

  // --- Status: "Live updates paused — reconnecting…" --------------------------------

  function status() { return document.getElementById("live-status"); }

  function showStatus(kind) {
    var element = status();
    if (!element) { return; }
    var text = element.getAttribute("data-" + kind) || "";
    if (element.hidden || element.textContent !== text) {
      element.textContent = text;
      element.hidden = false;
    }
    element.setAttribute("data-kind", kind);
  }

  function refreshStatus() {
    var element = status();
    if (!element || leaving || element.getAttribute("data-kind") === "reload") { return; }
    var down = sockets.some(function (socket) { return socket.paused; });
    if (down) { showStatus("paused"); } else if (!element.hidden) {
      element.hidden = true;
      element.textContent = "";
      element.removeAttribute("data-kind");
    }
  }

  function announce(text) {
    var region = document.getElementById("live-announce");
    if (!region || !text) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // --- One live socket: backoff, jitter, catch-up --------------------------------

  function live(path, since, extra, apply) {
    var state = { opened: false, paused: false, lastId: 0, seen: new Set() };
    var attempt = 0;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    sockets.push(state);

    function url() {
      var query = new URLSearchParams(extra || {});
      if (state.lastId) {
        query.set("after", String(state.lastId));
      } else if (since) {
        // A little earlier than the page: replays are idempotent, gaps are not.
        query.set("since", String(Math.max(0, since - 2)));
      }
      return scheme + window.location.host + path + "?" + query.toString();
    }

    function open() {
      var socket = new WebSocket(url());
      state.socket = socket;
      socket.addEventListener("open", function () {
        attempt = 0;
        state.opened = true;
        state.paused = false;
        refreshStatus();
      });
      socket.addEventListener("message", function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (e) { return; }
        if (data.type === "live.reload") {
          showStatus("reload");
        } else if (typeof data.event_id === "number") {
          if (state.seen.has(data.event_id)) { return; }
          state.seen.add(data.event_id);
          if (data.event_id > state.lastId) { state.lastId = data.event_id; }
          apply(data);
        } else {
          apply(data);
        }
      });
      socket.addEventListener("close", function (event) {
        state.socket = null;
        if (event.code === NOT_ALLOWED || leaving) { return; }  // not allowed: do not retry
        // Paused: a socket that was live dropped, or the server said its layer is down
        // (a page whose server has no websockets at all just stays as it was served).
        if (state.opened || event.code === LAYER_DOWN) {
          state.paused = true;
          refreshStatus();
        }
        attempt += 1;
        // 0.5 s doubling to 30 s, ±50 % so that a restarted server is not stormed.
        var delay = Math.min(30000, 500 * Math.pow(2, attempt - 1)) * (0.5 + Math.random());
        window.setTimeout(open, delay);
      });
    }
    open();
    return state;
  }

  function sinceOf(element) {
    var value = parseFloat(element.getAttribute("data-live-since") || "");
    return isNaN(value) ? 0 : value;
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = (html || "").trim();
    return template.content.firstElementChild;
  }

  function processHtmx(element) {
    if (window.htmx && element) { window.htmx.process(element); }
  }

  // --- A space's activity feed -------------------------------------------------------

  function connectFeed(list) {
    var spaceId = list.getAttribute("data-live-space");
    live("/ws/spaces/" + spaceId + "/", sinceOf(list), null, function (data) {
      if (data.type !== "feed.event" || document.getElementById("event-" + data.event_id)) { return; }
      var item = fragment(data.html);
      if (!item) { return; }
      item.classList.add("is-new");
      list.insertBefore(item, list.firstElementChild);
      var empty = list.parentElement.querySelector("[data-live-space-empty]");
      if (empty) { empty.remove(); }
    });
  }

  // --- A thread's replies (thread page, lesson page) ---------------------------------

  // Live fragments carry no CSRF input: give their forms the page's own.
  function addCsrf(element) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!token) { return; }
    element.querySelectorAll("form[method=post]").forEach(function (form) {
      if (!form.querySelector("input[name=csrfmiddlewaretoken]")) {
        form.insertBefore(token.cloneNode(false), form.firstChild);
      }
    });
  }

  // Replace `old` by `fresh` without losing the keyboard focus inside it.
  function replaceKeepingFocus(old, fresh) {
    var active = document.activeElement;
    var key = null;
    if (active && old.contains(active)) {
      key = [active.tagName, active.getAttribute("name"), active.getAttribute("value"),
             active.getAttribute("href")];
    }
    old.replaceWith(fresh);
    processHtmx(fresh);
    if (!key) { return; }
    var candidates = fresh.querySelectorAll(key[0]);
    // The same control: a reaction button keeps its value (its name flips add/remove),
    // a link its address.
    for (var i = 0; i < candidates.length; i += 1) {
      var candidate = candidates[i];
      var same = key[2] !== null ? candidate.getAttribute("value") === key[2]
                                 : candidate.getAttribute("href") === key[3] &&
                                   candidate.getAttribute("name") === key[1];
      if (same) {
        candidate.focus({ preventScroll: true });
        return;
      }
    }
  }

  function connectThread(section) {
    var threadId = section.getAttribute("data-live-thread");
    var extra = {};
    var back = section.getAttribute("data-live-back");
    if (back) { extra.back = back; }
    var params = new URLSearchParams(window.location.search);
    var filtered = Boolean(params.get("stance"));
    var newestFirst = params.get("order") === "newest";

    live("/ws/threads/" + threadId + "/", sinceOf(section), extra, function (data) {
      if (data.type !== "thread.reply") { return; }
      var item = fragment(data.html);
      if (!item) { return; }
      addCsrf(item);
      var existing = document.getElementById("reply-" + data.reply_id);
      if (existing) {
        var oldArticle = existing.querySelector(":scope > article");
        var newArticle = item.querySelector(":scope > article");
        if (oldArticle && newArticle) { replaceKeepingFocus(oldArticle, newArticle); }
      } else if (!filtered) {
        var list = data.parent_id ? document.getElementById("comments-" + data.parent_id)
                                  : document.getElementById("responses");
        if (!list) { return; }  // e.g. a post-first prompt not answered yet
        item.classList.add("is-new");
        if (newestFirst && !data.parent_id) {
          list.insertBefore(item, list.firstElementChild);
        } else {
          list.appendChild(item);
        }
        processHtmx(item);
        var empty = document.getElementById("no-replies");
        if (empty) { empty.remove(); }
        var author = item.querySelector(".reply-author");
        var label = section.getAttribute("data-live-new") || "";
        announce(label + (author ? ": " + author.textContent : ""));
      }
      var summary = document.getElementById("stance-summary");
      if (summary && data.stance_summary) { summary.textContent = data.stance_summary; }
      var heading = document.getElementById("replies-heading");
      if (heading && data.reply_heading) { heading.textContent = data.reply_heading; }
    });
  }

  // --- The unread notifications badge ----------------------------------------------

  function connectBadge(link) {
    var shown = null;
    live("/ws/notifications/", sinceOf(link), null, function (data) {
      if (data.type !== "notifications.count") { return; }
      link.setAttribute("aria-label", data.name);
      var badge = link.querySelector(".unread-count");
      if (data.count) {
        if (!badge) {
          badge = document.createElement("span");
          badge.className = "unread-count";
          badge.setAttribute("aria-hidden", "true");
          link.appendChild(document.createTextNode(" "));
          link.appendChild(badge);
        }
        badge.textContent = data.label;
      } else if (badge) {
        badge.remove();
      }
      if (shown !== null && data.count > shown) { announce(data.name); }
      shown = data.count;
    });
  }

  window.addEventListener("pagehide", function () { leaving = true; });

  document.addEventListener("DOMContentLoaded", function () {
    var page = new URLSearchParams(window.location.search).get("page");
    if (!page || page === "1") {  // only the newest page of a feed grows
      document.querySelectorAll("[data-live-space]").forEach(connectFeed);
    }
    document.querySelectorAll("[data-live-thread]").forEach(connectThread);
    document.querySelectorAll("[data-live-notifications]").forEach(connectBadge);
  });
})();
