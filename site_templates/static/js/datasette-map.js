/* A map of the rows a Datasette table page shows (same filters, same page), for tables with
 * a GeoJSON column. Settings come from the table's metadata "map": {column, label, colour_column,
 * colours, tile_url, attribution}. Loads rows from this Datasette and, only when configured,
 * tiles from the town's tile server; nothing else.
 */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("portal-map");
    if (!element || typeof L === "undefined") { return; }
    var settings = JSON.parse(element.getAttribute("data-map"));
    var rows = document.querySelector(".table-wrapper") || document.querySelector("table.rows-and-columns");
    if (rows) { rows.parentNode.insertBefore(element, rows); } // map above the rows
    var map = L.map(element, { scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    if (settings.tile_url) {
      L.tileLayer(settings.tile_url, { maxZoom: 19, attribution: settings.attribution || "" }).addTo(map);
    }
    // The JSON of exactly this page: same path with .json, same filters and page.
    var url = new URL(window.location.pathname.replace(/\/$/, "") + ".json" + window.location.search,
                      window.location.href);
    url.searchParams.set("_shape", "objects");
    fetch(url.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var features = (data.rows || []).filter(function (row) { return row[settings.column]; }).map(function (row) {
          return { type: "Feature", geometry: JSON.parse(row[settings.column]), properties: row };
        });
        var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
          // Not interactive: Leaflet makes shapes with tooltips Tab stops, nameless and unseen; the
          // table below the map holds the same rows for keyboard and screen-reader users.
          interactive: false,
          style: function (feature) {
            var colour = (settings.colours || {})[feature.properties[settings.colour_column]] || "#0072b2";
            return { color: colour, fillColor: colour, weight: 2, fillOpacity: 0.4 };
          }
        }).addTo(map);
        if (features.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
        else { map.setView([51.16, 10.45], 5); }
        element.setAttribute("data-ready", String(features.length));
      })
      .catch(function (error) {
        element.textContent = "Karte nicht verfügbar: " + error.message;
        element.setAttribute("data-ready", "error");
      });
  });
})();
