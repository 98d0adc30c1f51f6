/* eitgraph map page: tooltips, search, filter menus, loop selection, groups of actors, presentation
   mode, and on geographic maps the outlines, place names, scale bar and north. Data comes from the JSON
   block #map-data; every text reaches the page through textContent, DOM properties or the canvas, never
   as HTML. Nothing is requested from the network unless the page was built with online tiles. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var T = data.texts;
  var geo = data.geo;
  var state = { network: null, nodes: null, edges: null, ready: false, stabilisedMs: null, startedMs: Date.now(),
                groupedBy: null, tilesDrawn: 0 };
  window.eitgraphMap = state;
  if (/map-only/.test(location.hash)) { document.body.classList.add("map-only"); }

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
  data.nodes.forEach(function (n) { n.title = tooltip(n.name || n.label, n.facts); n.fullLabel = n.label; });
  data.edges.forEach(function (e) { e.title = tooltip(e.name, e.facts); });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  state.nodes = nodes;
  state.edges = edges;
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  state.network = network;

  // -- geographic context: outlines, names, tiles, scale bar, north ---------------------------------
  var tiles = [];
  if (geo && geo.tiles) {
    geo.tiles.items.forEach(function (t) {
      var img = new Image();
      img.onload = function () { state.tilesDrawn += 1; network.redraw(); };
      img.src = geo.tiles.url.replace("{z}", t[0]).replace("{x}", t[1]).replace("{y}", t[2]);
      tiles.push({ img: img, x: t[3], y: t[4], w: t[5], h: t[6] });
    });
  }
  function drawOutlines(ctx) {
    var scale = network.getScale();
    tiles.forEach(function (t) {
      if (t.img.complete && t.img.naturalWidth) { ctx.drawImage(t.img, t.x, t.y, t.w, t.h); }
    });
    geo.outlines.forEach(function (o) {
      ctx.beginPath();
      o.rings.forEach(function (r) {
        ctx.moveTo(r[0], r[1]);
        for (var i = 2; i < r.length; i += 2) { ctx.lineTo(r[i], r[i + 1]); }
        ctx.closePath();
      });
      if (o.epci) {
        ctx.lineWidth = 3.5 / scale;
        ctx.strokeStyle = "#2d4f7c";
      } else {
        if (!tiles.length) {
          ctx.fillStyle = o.fill || "#f1f1f1";
          ctx.fill("evenodd");
        }
        ctx.lineWidth = (o.in ? 1.4 : 1) / scale;
        ctx.strokeStyle = o.in ? "#7d8ca3" : "#c4c4c4";
      }
      ctx.stroke();
    });
    drawPlaceNames(ctx, scale);
  }
  function drawPlaceNames(ctx, scale) {
    var boxes = [];
    var size = 14 / scale;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    geo.outlines.filter(function (o) { return !o.epci; })
      .sort(function (a, b) { return (b.in - a.in) || (b.rank - a.rank); })
      .forEach(function (o) {
        ctx.font = (o.in ? "italic " : "italic ") + size + "px DejaVu Sans, Arial, sans-serif";
        var w = ctx.measureText(o.name).width, h = size * 1.2;
        var box = [o.x - w / 2, o.y - h / 2, o.x + w / 2, o.y + h / 2];
        var clash = boxes.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; });
        if (clash) { return; }
        boxes.push(box);
        ctx.lineWidth = 3 / scale;
        ctx.strokeStyle = "rgba(255,255,255,0.85)";
        ctx.strokeText(o.name, o.x, o.y);
        ctx.fillStyle = o.in ? "#4a5568" : "#8a8a8a";
        ctx.fillText(o.name, o.x, o.y);
      });
    state.placeNames = boxes.length;
  }
  function drawUnplacedHeading(ctx) {
    var row = data.nodes.filter(function (n) { return n.f && n.f.unplaced; });
    if (!row.length) { return; }
    var pos = network.getPositions(row.map(function (n) { return n.id; }));
    var xs = [], ys = [];
    Object.keys(pos).forEach(function (k) { xs.push(pos[k].x); ys.push(pos[k].y); });
    var scale = network.getScale();
    ctx.font = "bold " + (16 / scale) + "px DejaVu Sans, Arial, sans-serif";
    ctx.textAlign = "left";
    ctx.fillStyle = "#8a5a00";
    ctx.fillText(T.unplaced_row, Math.min.apply(null, xs) - 40, Math.min.apply(null, ys) - 70);
  }
  function niceLength(metres) {
    var p = Math.pow(10, Math.floor(Math.log10(metres)));
    return [5, 2, 1].map(function (k) { return k * p; }).filter(function (v) { return v <= metres; })[0] || p;
  }
  function updateScale() {
    var bar = document.getElementById("scale");
    if (!geo || !geo.mpp) { return; }
    var perScreenPx = geo.mpp / network.getScale();
    var length = niceLength(perScreenPx * 160);
    document.getElementById("scale-bar").style.width = Math.round(length / perScreenPx) + "px";
    document.getElementById("scale-text").textContent = length >= 1000
      ? T.scale_km.replace("{n}", String(length / 1000).replace(".", data.lang === "fr" ? "," : "."))
      : T.scale_m.replace("{n}", length);
    bar.hidden = false;
    document.getElementById("north").hidden = false;
  }
  if (geo) {
    network.on("beforeDrawing", function (ctx) { if (geo.outlines.length || tiles.length) { drawOutlines(ctx); } });
    network.on("afterDrawing", function (ctx) { drawUnplacedHeading(ctx); updateScale(); });
  }

  // -- labels readable at the default zoom ------------------------------------------------------------
  function enlargeLabels() {
    var scale = network.getScale();
    var need = data.minFont / scale;
    if (data.nodes.length > 400 || !isFinite(need)) { return; }
    var size = Math.ceil(need * 10) / 10;
    var updates = [];
    nodes.forEach(function (n) {  // nodes grow with their labels, so that both stay in proportion
      if (n.font && n.font.size < size) {
        updates.push({ id: n.id, font: Object.assign({}, n.font, { size: size }),
                       size: Math.round(n.size * Math.min(size / n.font.size, 2.5)) });
      }
    });
    if (updates.length) { nodes.update(updates); }
    network.body.nodeIndices.forEach(function (id) {
      var n = network.body.nodes[id];
      if (network.isCluster(id) && n.options.font.size < size) {
        network.clustering.updateClusteredNode(id, { font: Object.assign({}, n.options.font, { size: size }) });
      }
    });
    var edgeUpdates = [];
    edges.forEach(function (e) {
      if (e.font && e.label && e.font.size < size) {
        edgeUpdates.push({ id: e.id, font: Object.assign({}, e.font, { size: size }) });
      }
    });
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    state.labelFont = size;
    thinLabels();
  }
  // Only as many labels as the screen holds legibly: the highest ranked ones (plans, shared actions,
  // hubs); the others show their name on hover and in the search.
  function thinLabels() {
    var budget = Math.max(8, Math.round(container.clientWidth * container.clientHeight / data.labelArea));
    var ranked = data.nodes.slice().sort(function (a, b) { return (b.rank || 0) - (a.rank || 0); });
    var updates = ranked.map(function (n, i) {
      return { id: n.id, label: i < budget ? n.label : undefined, hiddenLabel: i >= budget };
    });
    nodes.update(updates.filter(function (u) { return u.hiddenLabel; }).map(function (u) {
      return { id: u.id, label: "" };
    }));
    nodes.update(updates.filter(function (u) { return !u.hiddenLabel; }).map(function (u) {
      return { id: u.id, label: u.label };
    }));
    state.labelsShown = Math.min(budget, ranked.length);
  }

  // -- groups of actors (vis-network clusters), opened with a click ---------------------------------
  var groupColour = "#5b6f8a";
  function ungroup() {
    var ids = Object.keys(network.body.nodes).filter(function (id) { return network.isCluster(id); });
    ids.forEach(function (id) { network.openCluster(id); });
  }
  function groupBy(key) {
    ungroup();
    state.groupedBy = key || null;
    if (!key) { return; }
    var members = {};
    nodes.forEach(function (n) {
      if (n.grp && !n.hidden) { (members[n.grp[key]] = members[n.grp[key]] || []).push(n); }
    });
    var values = Object.keys(members).filter(function (v) { return members[v].length > 1; });
    values.forEach(function (value, i) {
      var list = members[value];
      var biggest = Math.max.apply(null, list.map(function (n) { return n.size || 14; }));
      var size = Math.max(biggest + 4 * Math.sqrt(list.length), 16 / network.getScale());
      network.cluster({
        joinCondition: function (n) { return n.grp && n.grp[key] === value && !n.hidden; },
        clusterNodeProperties: {
          id: "group:" + i, label: value + "\n(" + list.length + ")", shape: "hexagon", size: size,
          borderWidth: 2, color: { background: groupColour, border: "#1b2a49" }, fixed: !!geo, physics: false,
          font: { size: Math.max(list[0].font.size, state.labelFont || 0), color: "#111111", strokeWidth: 5, strokeColor: "#ffffff",
                  face: "DejaVu Sans, Arial, sans-serif" },
          title: tooltip(value, [["", T.group_members.replace("{n}", list.length)]]), grouped: true
        }
      }, i === values.length - 1);  // refresh the network's data once, after the last group
    });
  }
  state.groupBy = groupBy;
  network.on("click", function (p) {
    if (p.nodes.length === 1 && network.isCluster(p.nodes[0])) { network.openCluster(p.nodes[0]); }
  });
  var groupSelect = document.getElementById("group-by");
  if (groupSelect) {
    groupSelect.addEventListener("change", function () {
      groupBy(groupSelect.value);
      fitMap();
      enlargeLabels();
    });
  }

  var loading = document.getElementById("loading");
  var progress = document.getElementById("progress");
  function fitMap() {
    if (!(geo && geo.frame)) { network.fit({ animation: false }); return; }
    var f = geo.frame, w = container.clientWidth, h = container.clientHeight;
    var scale = 0.96 * Math.min(w / Math.max(f[2] - f[0], 1), h / Math.max(f[3] - f[1], 1));
    network.moveTo({ position: { x: (f[0] + f[2]) / 2, y: (f[1] + f[3]) / 2 }, scale: scale, animation: false });
  }
  state.fit = fitMap;
  function markReady() {
    if (state.ready) { return; }
    fitMap();
    enlargeLabels();
    if (data.grouping && groupSelect) { groupBy(groupSelect.value); }
    fitMap();  // larger labels and groups change the drawing's extent: fit again, then size the labels
    enlargeLabels();
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
      markReady();
    });
  } else {
    network.once("afterDrawing", markReady);
  }
  if (!data.nodes.length) { markReady(); }

  // -- presentation mode and full screen ---------------------------------------------------------------
  var presentButton = document.getElementById("present-button");
  presentButton.addEventListener("click", function () {
    var on = !document.body.classList.contains("presentation");
    document.body.classList.toggle("presentation", on);
    presentButton.setAttribute("aria-pressed", on ? "true" : "false");
    ["filters-panel", "legend-panel", "sources-panel"].forEach(function (id) {
      document.getElementById(id).open = !on;
    });
    setTimeout(function () { network.redraw(); fitMap(); }, 50);
  });
  document.getElementById("fullscreen-button").addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
  });
  ["filters-panel", "legend-panel", "sources-panel"].forEach(function (id) {
    document.getElementById(id).addEventListener("toggle", function () { network.redraw(); });
  });
  window.addEventListener("resize", function () { network.redraw(); });

  // -- filters -------------------------------------------------------------------------------
  var selects = Array.prototype.slice.call(document.querySelectorAll("#toolbar select[data-key]"));
  function matches(item, key, value) {
    var v = item.f ? item.f[key] : undefined;
    if (v === undefined || v === null) { return null; }
    if (Array.isArray(v)) { return v.map(String).indexOf(value) >= 0; }
    return String(v) === value;
  }
  function applyFilters() {
    var active = selects.filter(function (s) { return s.value !== ""; })
      .map(function (s) { return { key: s.getAttribute("data-key"), value: s.value }; });
    if (active.length && state.groupedBy) {
      ungroup();
      state.groupedBy = null;
      if (groupSelect) { groupSelect.value = ""; }
    }
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
    if (!active.length) { fitMap(); }
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
    if (found.length && state.groupedBy) {  // show the actors themselves, not their groups
      ungroup();
      state.groupedBy = null;
      if (groupSelect) { groupSelect.value = ""; }
    }
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
