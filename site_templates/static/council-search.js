// Search over the council search index (rat/suche/index.json), run in the browser.
// The normalisation is the same as pipelines/oparl/search.py: lower case, ß→ss, ä/ö/ü→ae/oe/ue,
// so "Strassen" finds "Straßen"; every word of three or more letters must occur as a substring,
// as with the trigram full-text index in the database.
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById("ratssuche");
  var input = document.getElementById("suchbegriff");
  var status = document.getElementById("suchstatus");
  var list = document.getElementById("suchergebnisse");
  var index = null;

  function normalise(text) {
    return text.toLowerCase().replace(/ß/g, "ss").replace(/ä/g, "ae").replace(/ö/g, "oe")
      .replace(/ü/g, "ue").replace(/\s+/g, " ").trim();
  }

  function show(query) {
    var words = normalise(query).split(" ").filter(function (w) { return w.length >= 3; });
    list.textContent = "";
    if (!words.length) { status.textContent = "Bitte mindestens drei Buchstaben eingeben."; return; }
    var hits = index.filter(function (entry) {
      return words.every(function (w) { return entry.s.indexOf(w) !== -1; });
    });
    status.textContent = hits.length === 1 ? "1 Treffer" : hits.length + " Treffer";
    hits.slice(0, 200).forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = script.dataset.root + entry.p;
      link.textContent = entry.t;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" – " + entry.k + (entry.d ? ", " + entry.d : "")));
      list.appendChild(item);
    });
  }

  function search(query) {
    if (index) { show(query); return; }
    status.textContent = "Suche läuft …";
    fetch(script.dataset.index).then(function (r) { return r.json(); }).then(function (data) {
      index = data;
      show(query);
    }).catch(function () { status.textContent = "Der Suchindex konnte nicht geladen werden."; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));  // a link to these results
    search(input.value);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; search(initial); }
})();
