// Suggestions for the search boxes (inputs with data-suggest-url): the WAI-ARIA
// combobox pattern with a listbox popup. The input gets role="combobox",
// aria-expanded, aria-controls and aria-activedescendant; focus stays in the input.
//   ArrowDown / ArrowUp  open the list and move through the suggestions (wrapping);
//   Enter                opens the highlighted suggestion, else submits the form;
//   Escape               closes the list (the input keeps its text);
//   a click / tap        opens a suggestion.
// A status region says how many suggestions there are. Without JavaScript (or when
// the request fails) the box is a plain search form. No libraries, no other hosts.
(function () {
  "use strict";
  var MIN_LENGTH = 2;
  var DELAY_MS = 150;
  var count = 0;

  // Only addresses on this site (a path, not "//host" or "javascript:").
  function isLocal(url) {
    return typeof url === "string" && /^\/(?!\/)/.test(url);
  }

  function setup(input) {
    var url = input.getAttribute("data-suggest-url");
    if (!url || !window.fetch || input.getAttribute("role") === "combobox") return;
    count += 1;
    var listId = "suggestions-" + count;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var shownFor = null;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function setActive(index) {
      var all = options();
      if (active >= 0 && all[active]) all[active].setAttribute("aria-selected", "false");
      active = index;
      if (index >= 0 && all[index]) {
        all[index].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", all[index].id);
        if (all[index].scrollIntoView) all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function announce(number) {
      var text;
      if (number === 0) text = input.getAttribute("data-suggest-none") || "";
      else if (number === 1) text = input.getAttribute("data-suggest-one") || "";
      else text = (input.getAttribute("data-suggest-many") || "").replace("%(count)s", number);
      status.textContent = text;
    }

    function follow(index) {
      var item = items[index];
      if (item && isLocal(item.url)) window.location.assign(item.url);
    }

    function render(suggestions, text) {
      close();
      list.textContent = "";
      items = suggestions.filter(function (item) { return isLocal(item.url); });
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var title = document.createElement("span");
        title.className = "suggest-title";
        title.textContent = item.title;
        option.appendChild(title);
        if (item.type) {
          option.appendChild(document.createTextNode(" "));
          var type = document.createElement("span");
          type.className = "suggest-type";
          type.textContent = item.type;
          option.appendChild(type);
        }
        // Keep the focus in the input while clicking.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { follow(index); });
        list.appendChild(option);
      });
      shownFor = text;
      open();
      announce(items.length);
    }

    function clear() {
      if (controller) controller.abort();
      controller = null;
      items = [];
      shownFor = null;
      list.textContent = "";
      close();
      status.textContent = "";
    }

    function load() {
      var text = input.value.trim();
      if (text.length < MIN_LENGTH) { clear(); return; }
      if (text === shownFor) { open(); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var address = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
      fetch(address, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("suggestions: HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          // An answer to an older text is dropped.
          if (input.value.trim() !== text) return;
          render(Array.isArray(data.suggestions) ? data.suggestions : [], text);
        })
        .catch(function () { /* the plain form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.altKey && event.key !== "ArrowDown") return;
      switch (event.key) {
        case "ArrowDown":
          if (!items.length) return;
          event.preventDefault();
          if (list.hidden) { open(); if (!event.altKey) setActive(0); }
          else setActive(active + 1 < items.length ? active + 1 : 0);
          break;
        case "ArrowUp":
          if (!items.length) return;
          event.preventDefault();
          if (list.hidden) { open(); setActive(items.length - 1); }
          else setActive(active > 0 ? active - 1 : items.length - 1);
          break;
        case "Enter":
          if (!list.hidden && active >= 0) {
            event.preventDefault();
            follow(active);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault();
            event.stopPropagation();
            close();
          }
          break;
        case "Home":
        case "End":
        case "ArrowLeft":
        case "ArrowRight":
          setActive(-1);  // the caret moves in the text again
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () { close(); });
  }

  function init() {
    document.querySelectorAll("input[data-suggest-url]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
