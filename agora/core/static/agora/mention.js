// @mention autocomplete: in a textarea with data-mention-url, typing "@ad"
// lists matching people under it (an ARIA combobox with a listbox). Arrow
// keys move, Enter or Tab inserts "@handle ", Escape closes. Without this
// script, people type handles by hand; the server links them either way.
(function () {
  "use strict";

  var TOKEN = /(^|[^\w@.\/+-])@([A-Za-z0-9_-]{1,30})$/;
  var counter = 0;

  function spaceOf(textarea) {
    var holder = textarea.closest("[data-mention-space]");
    if (holder) { return holder.getAttribute("data-mention-space"); }
    var match = window.location.pathname.match(/^\/spaces\/([^\/]+)\//);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function setup(textarea) {
    if (textarea.getAttribute("data-mention-ready")) { return; }
    textarea.setAttribute("data-mention-ready", "1");
    counter += 1;
    var listId = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", textarea.getAttribute("data-mention-label") || "People to mention");
    list.hidden = true;
    textarea.insertAdjacentElement("afterend", list);
    textarea.setAttribute("role", "combobox");
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-expanded", "false");
    textarea.setAttribute("aria-controls", listId);

    var people = [];
    var active = -1;
    var token = null;  // {start, end, query} of the "@abc" being typed
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      people = [];
      active = -1;
      textarea.setAttribute("aria-expanded", "false");
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        textarea.setAttribute("aria-activedescendant", listId + "-" + index);
      } else {
        textarea.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      people = found;
      list.textContent = "";
      if (!people.length) { close(); return; }
      people.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = person.name;
        var handle = document.createElement("span");
        handle.className = "mention-handle";
        handle.textContent = " @" + person.handle;
        item.appendChild(name);
        item.appendChild(handle);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the textarea
          choose(i);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      textarea.setAttribute("aria-expanded", "true");
      highlight(0);
    }

    function choose(index) {
      var person = people[index];
      if (!person || !token) { return; }
      var value = textarea.value;
      var insert = "@" + person.handle + " ";
      textarea.value = value.slice(0, token.start) + insert + value.slice(token.end);
      var caret = token.start + insert.length;
      textarea.setSelectionRange(caret, caret);
      token = null;
      close();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function lookUp() {
      var caret = textarea.selectionStart;
      if (caret !== textarea.selectionEnd) { token = null; close(); return; }
      var match = textarea.value.slice(0, caret).match(TOKEN);
      if (!match) { token = null; close(); return; }
      token = { start: caret - match[2].length - 1, end: caret, query: match[2] };
      var url = new URL(textarea.getAttribute("data-mention-url"), window.location.href);
      url.searchParams.set("q", match[2]);
      var space = spaceOf(textarea);
      if (space) { url.searchParams.set("space", space); }
      var ticket = ++asked;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { people: [] }; })
        .then(function (data) {
          if (ticket === asked && token) { show(data.people || []); }
        })
        .catch(function () { close(); });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 120);
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !people.length) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % people.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + people.length) % people.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        event.preventDefault();
        token = null;
        close();
      }
    });
    textarea.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  // Delegated, so text boxes that htmx swaps in later work too.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("textarea[data-mention-url]")) { setup(target); }
  });
})();
