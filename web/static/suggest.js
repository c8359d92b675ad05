/* Progressive enhancement: suggestions under the search box (ARIA combobox) and click logging.
   Without JavaScript the forms and links work as they are. */
(function () {
  "use strict";
  var seq = 0;

  function setup(input) {
    var form = input.form;
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    var active = -1;
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索建议");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function choose(text) {
      input.value = text;
      close();
      form.submit();
    }
    function highlight(index) {
      var items = list.children;
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    function show(words) {
      list.textContent = "";
      words.forEach(function (word, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = word;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(word); });
        list.appendChild(item);
      });
      if (words.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      var mine = ++seq;
      if (!q) { close(); return; }
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) { if (mine === seq) show(body.suggestions || []); })
        .catch(close);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(list.children[active].textContent); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function logClicks() {
    var results = document.querySelector("ol.results");
    if (!results || !navigator.sendBeacon) return;
    var start = parseInt(results.getAttribute("start") || "1", 10);
    var links = results.querySelectorAll("a[data-doc]");
    Array.prototype.forEach.call(links, function (link, i) {
      link.addEventListener("click", function () {
        var body = JSON.stringify({ query: results.dataset.query, doc_id: link.dataset.doc, position: start + i });
        navigator.sendBeacon("/api/v1/clicks", new Blob([body], { type: "application/json" }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setup);
    logClicks();
  });
})();
