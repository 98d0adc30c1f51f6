/* eitgraph map page: tooltips, search, filter menus, loop selection. Data comes from the JSON block
   #map-data; every text reaches the page through textContent or DOM properties, never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var T = data.texts;
  var state = { network: null, nodes: null, edges: null, ready: false, stabilisedMs: null, startedMs: Date.now() };
  window.eitgraphMap = state;

  function fold(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function tooltip(head, facts) {
    var div = document.createElement("div");
    if (head) {
      var h = document.createElement("div");
      h.className = "tip-head";
      h.textContent = head;
      div.appendChild(h);
    }
    (facts || []).forEach(function (f) {
      var row = document.createElement("div");
      row.className = "tip-row";
      if (f[0]) {
        var b = document.createElement("b");
        b.textContent = f[0] + T.colon + " ";
        row.appendChild(b);
      }
      row.appendChild(document.createTextNode(f[1]));
      div.appendChild(row);
    });
    return div;
  }

  var container = document.getElementById("map");
  // Tooltips are DOM elements built with textContent (vis-network shows an element as is).
  data.nodes.forEach(function (n) { n.title = tooltip(n.name || n.label, n.facts); });
  data.edges.forEach(function (e) { e.title = tooltip(e.name, e.facts); });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  state.nodes = nodes;
  state.edges = edges;
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  state.network = network;

  var loading = document.getElementById("loading");
  var progress = document.getElementById("progress");
  function markReady() {
    if (state.ready) { return; }
    state.ready = true;
    state.stabilisedMs = Date.now() - state.startedMs;
    loading.className = "done";
    document.body.setAttribute("data-ready", "true");
  }
  if (data.options.physics && data.options.physics.enabled) {
    network.on("stabilizationProgress", function (p) {
      progress.textContent = Math.round(100 * p.iterations / p.total) + " %";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      markReady();
    });
  } else {
    network.once("afterDrawing", markReady);
  }
  if (!data.nodes.length) { markReady(); }

  // -- filters -------------------------------------------------------------------------------
  var selects = Array.prototype.slice.call(document.querySelectorAll("#toolbar select"));
  function matches(item, key, value) {
    var v = item.f ? item.f[key] : undefined;
    if (v === undefined || v === null) { return null; }
    if (Array.isArray(v)) { return v.map(String).indexOf(value) >= 0; }
    return String(v) === value;
  }
  function applyFilters() {
    var active = selects.filter(function (s) { return s.value !== ""; })
      .map(function (s) { return { key: s.getAttribute("data-key"), value: s.value }; });
    var shown = {};
    var shownEdges = {};
    if (!active.length) {
      data.nodes.forEach(function (n) { shown[n.id] = true; });
      data.edges.forEach(function (e) { shownEdges[e.id] = true; });
    } else {
      var status = {};
      var anyStrong = false;
      data.nodes.forEach(function (n) {
        var s = "neutral";
        active.forEach(function (a) {
          var m = matches(n, a.key, a.value);
          if (m === false) { s = "fail"; } else if (m === true && s !== "fail") { s = "strong"; }
        });
        status[n.id] = s;
        if (s === "strong") { anyStrong = true; }
      });
      var passing = data.edges.filter(function (e) {
        if (status[e.from] === "fail" || status[e.to] === "fail") { return false; }
        return active.every(function (a) { return matches(e, a.key, a.value) !== false; });
      });
      data.nodes.forEach(function (n) { if (status[n.id] === "strong") { shown[n.id] = true; } });
      passing.forEach(function (e) {
        var a = status[e.from], b = status[e.to];
        if (a === "strong" || (!anyStrong && a === "neutral")) { shown[e.to] = true; }
        if (b === "strong" || (!anyStrong && b === "neutral")) { shown[e.from] = true; }
      });
      passing.forEach(function (e) { if (shown[e.from] && shown[e.to]) { shownEdges[e.id] = true; } });
    }
    nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: !shown[n.id] }; }));
    edges.update(data.edges.map(function (e) { return { id: e.id, hidden: !shownEdges[e.id] }; }));
    var ids = Object.keys(shown);
    document.getElementById("map-counts").textContent =
      T.counts.replace("{nodes}", ids.length).replace("{edges}", Object.keys(shownEdges).length);
    if (ids.length && active.length) { network.fit({ nodes: ids, animation: false }); }
    if (!active.length) { network.fit({ animation: false }); }
    return ids.length;
  }
  selects.forEach(function (s) { s.addEventListener("change", applyFilters); });
  state.applyFilters = applyFilters;

  // -- search --------------------------------------------------------------------------------
  var list = document.getElementById("search-list");
  var seen = {};
  data.nodes.forEach(function (n) {
    var name = n.name || n.label;
    if (!seen[name]) {
      seen[name] = true;
      var o = document.createElement("option");
      o.value = name;
      list.appendChild(o);
    }
  });
  var result = document.getElementById("search-result");
  function search(query) {
    var q = fold(query).trim();
    if (!q) { result.textContent = ""; network.unselectAll(); return []; }
    var found = nodes.get({ filter: function (n) { return !n.hidden && fold(n.name || n.label).indexOf(q) >= 0; } })
      .map(function (n) { return n.id; });
    result.textContent = found.length ? T.search_found.replace("{n}", found.length) : T.search_none;
    network.selectNodes(found);
    if (found.length === 1) {
      network.focus(found[0], { scale: 1.4, animation: false });
    } else if (found.length) {
      network.fit({ nodes: found, animation: false });
    }
    return found;
  }
  state.search = search;
  document.getElementById("toolbar").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("search").value);
  });
  document.getElementById("reset").addEventListener("click", function () {
    selects.forEach(function (s) { s.value = ""; });
    document.getElementById("search").value = "";
    result.textContent = "";
    network.unselectAll();
    applyFilters();
  });
}());
