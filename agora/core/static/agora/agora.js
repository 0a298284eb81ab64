// Agora's small script: live activity feeds over a websocket.
// Pages work without it; it only adds new events as they happen.
(function () {
  "use strict";

  function connectFeed(list) {
    var spaceId = list.getAttribute("data-live-space");
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + "/ws/spaces/" + spaceId + "/";
    var attempt = 0;

    function open() {
      var socket = new WebSocket(url);
      socket.addEventListener("open", function () { attempt = 0; });
      socket.addEventListener("message", function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (e) { return; }
        if (data.type !== "feed.event" || document.getElementById("event-" + data.event_id)) { return; }
        var template = document.createElement("template");
        template.innerHTML = data.html.trim();
        var item = template.content.firstElementChild;
        if (!item) { return; }
        item.classList.add("is-new");
        list.insertBefore(item, list.firstElementChild);
        var empty = list.parentElement.querySelector("[data-live-space-empty]");
        if (empty) { empty.remove(); }
      });
      socket.addEventListener("close", function (event) {
        if (event.code === 4403) { return; }  // not allowed: do not retry
        attempt += 1;
        var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random());
        window.setTimeout(open, delay);
      });
    }
    open();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = new URLSearchParams(window.location.search).get("page");
    if (page && page !== "1") { return; }  // only the newest page grows
    document.querySelectorAll("[data-live-space]").forEach(connectFeed);
  });
})();
