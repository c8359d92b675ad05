/* govsearch widget: a search box with suggestions and results inside a portal's own page.

   <script src="https://SEARCH-SITE/widget.js" data-key="gs_…" defer></script>

   Options (data attributes of the script tag): data-key (the portal's API key, required), data-target
   (the id of an element to render into; default: just after the script tag), data-portal (the portal's
   name: links "更多结果" to its hosted results page), data-size (results shown, 1–20, default 5),
   data-placeholder. Everything is drawn in a shadow root, so the host page's styles and ours never
   mix; the key travels in the X-Api-Key header, never in a URL. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL(script.src).origin;
  var key = script.getAttribute("data-key") || "";
  var portal = script.getAttribute("data-portal") || "";
  var size = Math.min(20, Math.max(1, parseInt(script.getAttribute("data-size") || "5", 10) || 5));
  var placeholder = script.getAttribute("data-placeholder") || "搜索政策文件和办事指南";
  var uid = "gsw" + Math.random().toString(36).slice(2, 8);

  var CSS = [
    ":host { all: initial; display: block; font: 16px/1.6 \"PingFang SC\", \"Microsoft YaHei\", \"WenQuanYi Micro Hei\", sans-serif; color: #1f1f1f; }",
    ".box { position: relative; max-width: 720px; }",
    "form { display: flex; }",
    "input { flex: 1; min-width: 0; font: inherit; font-size: 17px; min-height: 44px; padding: 6px 10px; border: 2px solid #3355cc; border-right: 0; border-radius: 8px 0 0 8px; }",
    "button { font: inherit; font-size: 17px; min-height: 44px; padding: 6px 18px; border: 0; background: #3355cc; color: #fff; border-radius: 0 8px 8px 0; cursor: pointer; }",
    "input:focus, button:focus, a:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }",
    ".hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }",
    "ul.suggest { position: absolute; z-index: 10; left: 0; right: 0; margin: 0; padding: 0; list-style: none; background: #fff; border: 1px solid #ccd; border-top: 0; box-shadow: 0 4px 10px rgba(0,0,0,.12); }",
    "ul.suggest li { padding: 10px 12px; min-height: 44px; box-sizing: border-box; cursor: pointer; }",
    "ul.suggest li[aria-selected=true], ul.suggest li:hover { background: #eef2ff; }",
    ".status { color: #555; margin: 8px 0 4px; font-size: 15px; }",
    "ol.results { list-style: none; margin: 0; padding: 0; }",
    "ol.results li { margin: 0 0 14px; }",
    "ol.results a.title { font-size: 18px; color: #1a0dab; display: inline-block; min-height: 44px; padding-top: 6px; }",
    "em { color: #c4161c; font-style: normal; }",
    ".kind { display: inline-block; font-size: 13px; padding: 0 6px; margin-right: 6px; border: 1px solid #2d6a4f; color: #2d6a4f; border-radius: 4px; }",
    ".snippet { margin: 0; overflow-wrap: anywhere; }",
    ".meta { margin: 0; color: #555; font-size: 14px; }",
    ".more { display: inline-block; min-height: 44px; padding-top: 8px; color: #1a0dab; }",
    ".error { color: #8a1c12; }"
  ].join("\n");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function api(path, options) {
    var init = options || {};
    init.headers = Object.assign({ "X-Api-Key": key }, init.headers || {});
    return fetch(base + path, init).catch(function () {
      /* refused by CORS (this page's origin is not one the key lists) or no network */
      throw new Error("无法连接搜索服务");
    }).then(function (response) {
      if (response.ok) return response.status === 204 ? null : response.json();
      return response.json().catch(function () { return {}; }).then(function (body) {
        var message = body && body.error ? body.error.message : "搜索暂时不可用（" + response.status + "）";
        throw new Error(message);
      });
    });
  }

  function mount() {
    var targetId = script.getAttribute("data-target");
    var host = targetId ? document.getElementById(targetId) : null;
    if (!host) {
      host = el("div", { "class": "govsearch-widget" });
      script.parentNode.insertBefore(host, script.nextSibling);
    }
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", {}, CSS));
    }
    return root;
  }

  function build(root) {
    var box = el("div", { "class": "box", role: "search" });
    var form = el("form", { action: base + "/s", method: "get" });
    var label = el("label", { "for": uid + "-q", "class": "hidden" }, placeholder);
    var input = el("input", {
      id: uid + "-q", name: "wd", type: "search", maxlength: "100", autocomplete: "off",
      placeholder: placeholder, role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": uid + "-list"
    });
    var button = el("button", { type: "submit" }, "搜索");
    var list = el("ul", { id: uid + "-list", "class": "suggest", role: "listbox", "aria-label": "搜索建议" });
    list.hidden = true;
    var status = el("p", { "class": "status", role: "status", "aria-live": "polite" });
    var results = el("ol", { "class": "results", "aria-label": "搜索结果" });
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(button);
    box.appendChild(form);
    box.appendChild(list);
    box.appendChild(status);
    box.appendChild(results);
    root.appendChild(box);
    return { form: form, input: input, list: list, status: status, results: results, box: box };
  }

  function start() {
    var ui = build(mount());
    var seq = 0;
    var active = -1;

    function close() {
      ui.list.hidden = true;
      active = -1;
      ui.input.setAttribute("aria-expanded", "false");
      ui.input.removeAttribute("aria-activedescendant");
    }
    function mark(index) {
      var items = ui.list.children;
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      ui.input.setAttribute("aria-activedescendant", items[active].id);
    }
    function suggestions(words) {
      ui.list.textContent = "";
      words.forEach(function (word, i) {
        var item = el("li", { id: uid + "-s" + i, role: "option", "aria-selected": "false" }, word);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); search(word); });
        ui.list.appendChild(item);
      });
      ui.list.hidden = !words.length;
      ui.input.setAttribute("aria-expanded", words.length ? "true" : "false");
    }
    function logClick(query, hit, position) {
      var body = JSON.stringify({ query: query, doc_id: hit.id, position: position });
      return api("/api/v1/clicks", { method: "POST", keepalive: true, headers: { "Content-Type": "application/json" }, body: body })
        .catch(function () { return null; });
    }
    function hitItem(query, hit, position) {
      var item = el("li");
      var heading = el("div");
      heading.appendChild(el("span", { "class": "kind" }, hit.kind_label));
      var link = el("a", { "class": "title", href: base + "/doc/" + encodeURIComponent(hit.id), "data-doc": hit.id });
      link.innerHTML = hit.title_html; /* escaped by the server, <em> marks the matched words */
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var target = link.href;
        logClick(query, hit, position).then(function () { window.location.href = target; });
      });
      heading.appendChild(link);
      item.appendChild(heading);
      var snippet = el("p", { "class": "snippet" });
      snippet.innerHTML = hit.snippet_html;
      item.appendChild(snippet);
      if (hit.publisher) item.appendChild(el("p", { "class": "meta" }, hit.publisher + (hit.date ? " · " + hit.date : "")));
      return item;
    }
    function show(body) {
      ui.results.textContent = "";
      ui.status.textContent = body.total ? "找到约 " + body.total + " 个结果" : "没有找到与“" + body.query + "”相关的结果";
      body.hits.forEach(function (hit, i) { ui.results.appendChild(hitItem(body.query, hit, i + 1)); });
      if (body.total > body.hits.length) {
        var params = new URLSearchParams({ wd: body.query });
        if (portal) params.set("portal", portal);
        var more = el("a", { "class": "more", href: base + "/s?" + params.toString() }, "查看全部 " + body.total + " 个结果");
        ui.results.appendChild(el("li")).appendChild(more);
      }
    }
    function search(text) {
      var q = (text || ui.input.value).trim();
      ui.input.value = q;
      close();
      if (!q) return;
      ui.status.textContent = "正在搜索…";
      ui.status.classList.remove("error");
      api("/api/v1/search?" + new URLSearchParams({ q: q, size: String(size) }).toString())
        .then(show)
        .catch(function (error) { ui.results.textContent = ""; ui.status.textContent = error.message; ui.status.classList.add("error"); });
    }

    ui.form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
    ui.input.addEventListener("input", function () {
      var q = ui.input.value.trim();
      var mine = ++seq;
      if (!q) { close(); return; }
      api("/api/v1/suggest?" + new URLSearchParams({ q: q }).toString())
        .then(function (body) { if (mine === seq) suggestions(body.suggestions || []); })
        .catch(close);
    });
    ui.input.addEventListener("keydown", function (event) {
      if (ui.list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); search(ui.list.children[active].textContent); }
    });
    ui.input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
