/* Maps of development plans, drawn with the self-hosted Leaflet.
 *
 * Progressive enhancement: the page already lists every plan and shows the legend in
 * HTML; this script only adds the map and the instant filter. It loads nothing from other
 * hosts: no tiles unless the portal configures a tile URL (data-tiles), and then only that.
 *
 * Markup it reads:
 *   <div data-plan-map data-plans="…/plaene.geojson" data-boundary="…/stadtgrenze.geojson"
 *        data-highlight="<plan id>" data-tiles="https://…/{z}/{x}/{y}.png"
 *        data-tiles-attribution="…"></div>
 *   <form data-plan-filter> with <input name="q"> and <select name="stand">, and rows
 *   <tr data-plan-id data-stand data-text> in the list it filters.
 */
(function () {
  "use strict";

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.json();
    });
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function planStyle(highlight) {
    return function (feature) {
      var p = feature.properties;
      var dimmed = highlight && p.id !== highlight;
      return { color: p.farbe, weight: dimmed ? 1 : 2, fillColor: p.farbe,
               fillOpacity: dimmed ? 0.15 : 0.45, opacity: dimmed ? 0.5 : 1 };
    };
  }

  function setUpMap(element) {
    var map = L.map(element, { attributionControl: true, scrollWheelZoom: false });
    map.attributionControl.setPrefix(false); // the default prefix links to leafletjs.com
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19,
        attribution: element.getAttribute("data-tiles-attribution") || "" }).addTo(map);
    } else {
      element.classList.add("plan-map--ohne-karte");
    }
    var highlight = element.getAttribute("data-highlight");
    var layers = {};
    var requests = [getJson(element.getAttribute("data-plans"))];
    var boundaryUrl = element.getAttribute("data-boundary");
    requests.push(boundaryUrl ? getJson(boundaryUrl) : Promise.resolve(null));
    return Promise.all(requests).then(function (data) {
      var plans = data[0], boundary = data[1];
      var bounds = null;
      if (boundary) {
        var outline = L.geoJSON(boundary, { interactive: false,
          style: { color: "#444", weight: 2, dashArray: "6 4", fill: !tiles, fillColor: "#f4f1ea", fillOpacity: 1 } });
        outline.addTo(map);
        bounds = outline.getBounds();
      }
      var planLayer = L.geoJSON(plans, {
        style: planStyle(highlight),
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layers[p.id] = layer;
          layer.bindPopup('<a href="' + escapeHtml(p.url) + '">' + escapeHtml(p.titel) + "</a><br>" +
                          escapeHtml(p.verfahrensstand_text));
        }
      }).addTo(map);
      if (highlight && layers[highlight]) {
        map.fitBounds(layers[highlight].getBounds(), { padding: [30, 30], maxZoom: 16 });
      } else {
        map.fitBounds(bounds || planLayer.getBounds(), { padding: [10, 10] });
      }
      element.setAttribute("data-ready", "true");
      return { map: map, layers: layers };
    }).catch(function (error) {
      element.textContent = "Die Karte konnte nicht geladen werden (" + error.message + "). " +
        "Die Liste unten enthält alle Pläne.";
      element.setAttribute("data-ready", "error");
    });
  }

  function setUpFilter(form, mapReady) {
    var rows = document.querySelectorAll("[data-plan-id]");
    var count = form.querySelector("[data-plan-count]");
    function apply(state) {
      var q = (form.elements.q.value || "").trim().toLowerCase();
      var stand = form.elements.stand.value;
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (!stand || row.getAttribute("data-stand") === stand) &&
                      (!q || row.getAttribute("data-text").indexOf(q) !== -1);
        row.hidden = !visible;
        if (visible) { shown += 1; }
        var layer = state && state.layers[row.getAttribute("data-plan-id")];
        if (layer) {
          if (visible && !state.map.hasLayer(layer)) { layer.addTo(state.map); }
          if (!visible && state.map.hasLayer(layer)) { state.map.removeLayer(layer); }
        }
      });
      if (count) { count.textContent = shown + " von " + rows.length + " Plänen"; }
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    mapReady.then(function (state) {
      form.addEventListener("input", function () { apply(state); });
      form.addEventListener("change", function () { apply(state); });
      apply(state);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var maps = Array.prototype.map.call(document.querySelectorAll("[data-plan-map]"), setUpMap);
    var form = document.querySelector("[data-plan-filter]");
    if (form) {
      form.hidden = false; // without JavaScript the state links above do the filtering
      setUpFilter(form, maps.length ? maps[0] : Promise.resolve(null));
    }
  });
})();
