/* Maps of development plans and of council business by place ("Rat vor Ort"), drawn with the
 * self-hosted Leaflet.
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

  // The portal's own base: no tiles unless the portal configures a tile service.
  function baseMap(element) {
    var map = L.map(element, { attributionControl: true, scrollWheelZoom: false });
    map.attributionControl.setPrefix(false); // the default prefix links to leafletjs.com
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19,
        attribution: element.getAttribute("data-tiles-attribution") || "" }).addTo(map);
    } else {
      element.classList.add("plan-map--ohne-karte");
    }
    return map;
  }

  function drawBoundary(map, boundary, tiles) {
    return L.geoJSON(boundary, { interactive: false,
      style: { color: "#444", weight: 2, dashArray: "6 4", fill: !tiles, fillColor: "#f4f1ea", fillOpacity: 1 } }).addTo(map);
  }

  function setUpMap(element) {
    var map = baseMap(element);
    var tiles = element.getAttribute("data-tiles");
    var highlight = element.getAttribute("data-highlight");
    var layers = {};
    var requests = [getJson(element.getAttribute("data-plans"))];
    var boundaryUrl = element.getAttribute("data-boundary");
    requests.push(boundaryUrl ? getJson(boundaryUrl) : Promise.resolve(null));
    return Promise.all(requests).then(function (data) {
      var plans = data[0], boundary = data[1];
      var bounds = null;
      if (boundary) { bounds = drawBoundary(map, boundary, tiles).getBounds(); }
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

  /* "Rat vor Ort" (/rat/karte/): streets and plan areas with council business.
   *   <div data-places-map data-places="/rat/karte/orte.geojson" data-boundary="…"
   *        data-highlight="<street page url>" data-tiles="…"></div> */
  function optionalJson(url) {
    return url ? getJson(url).catch(function () { return null; }) : Promise.resolve(null);
  }

  function placeStyle(highlight) {
    return function (feature) {
      var p = feature.properties;
      if (p.art === "plan") {
        return { color: p.farbe, weight: 1, fillColor: p.farbe, fillOpacity: 0.25, opacity: 0.8 };
      }
      if (highlight) {
        var chosen = p.url === highlight;
        return { color: chosen ? "#d55e00" : "#777", weight: chosen ? 7 : 2, opacity: 1 };
      }
      return { color: p.anzahl ? p.farbe : "#777", weight: p.anzahl ? 5 : 2, opacity: 1 };
    };
  }

  function placePopup(p) {
    var text = '<a href="' + escapeHtml(p.url) + '">' + escapeHtml(p.titel) + "</a>";
    if (p.art === "strasse") {
      text += "<br>" + (p.anzahl ? p.anzahl + (p.anzahl === 1 ? " Vorlage" : " Vorlagen") : "keine Vorlagen");
    }
    return text;
  }

  function setUpPlacesMap(element) {
    var map = baseMap(element);
    var tiles = element.getAttribute("data-tiles");
    var highlight = element.getAttribute("data-highlight");
    return Promise.all([
      getJson(element.getAttribute("data-places")),
      optionalJson(element.getAttribute("data-boundary"))
    ]).then(function (data) {
      var places = data[0], boundary = data[1];
      var bounds = null, chosen = null;
      if (boundary) { bounds = drawBoundary(map, boundary, tiles).getBounds(); }
      var layer = L.geoJSON(places, {
        style: placeStyle(highlight),
        onEachFeature: function (feature, featureLayer) {
          featureLayer.bindPopup(placePopup(feature.properties));
          if (highlight && feature.properties.url === highlight) { chosen = featureLayer; }
        }
      }).addTo(map);
      if (chosen) {
        chosen.bringToFront();
        map.fitBounds(chosen.getBounds(), { padding: [40, 40], maxZoom: 16 });
      } else {
        map.fitBounds(bounds || layer.getBounds(), { padding: [10, 10] });
      }
      element.setAttribute("data-ready", "true");
    }).catch(function (error) {
      element.textContent = "Die Karte konnte nicht geladen werden (" + error.message + "). " +
        "Die Listen dieser Seite enthalten alles, was sie zeigt.";
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
    Array.prototype.forEach.call(document.querySelectorAll("[data-places-map]"), setUpPlacesMap);
    var form = document.querySelector("[data-plan-filter]");
    if (form) {
      form.hidden = false; // without JavaScript the state links above do the filtering
      setUpFilter(form, maps.length ? maps[0] : Promise.resolve(null));
    }
  });
})();
