"""Charts and maps have a text or table alternative: a graphic (canvas, a large SVG or image role,
a map container) must sit in a figure or section that also holds a table (open or folded away in
<details>), or name with aria-describedby/aria-labelledby a sentence that says what it shows."""

from __future__ import annotations

import pytest

from tests.browser.page_types import PAGE_TYPES

IDS = [p.name for p in PAGE_TYPES]

GRAPHICS_WITHOUT_ALTERNATIVE = """() => {
  const graphics = [...document.querySelectorAll(
      'canvas, svg, [role="img"], .map, [data-map], .leaflet-container, .maplibregl-map')]
    .filter((el) => el.getAttribute('aria-hidden') !== 'true' && !el.closest('[aria-hidden="true"]'))
    // A map library's own layers (Leaflet's SVG overlay) belong to the map that holds them.
    .filter((el, _, all) => !all.some((other) => other !== el && other.contains(el)))
    .filter((el) => { const box = el.getBoundingClientRect(); return box.width >= 64 && box.height >= 64; });
  const described = (el) => {
    const ids = ((el.getAttribute('aria-describedby') || '') + ' '
      + (el.getAttribute('aria-labelledby') || '')).split(/\\s+/);
    const text = ids.filter(Boolean)
      .map((id) => (document.getElementById(id) || {textContent: ''}).textContent.trim()).join(' ');
    return text.length >= 40;  // a sentence, not just a title
  };
  const tableNearby = (el) => {
    for (let box = el.closest('figure, section'); box;
         box = box.parentElement && box.parentElement.closest('figure, section')) {
      if (box.querySelector('table')) return true;
    }
    return false;
  };
  return graphics.filter((el) => !described(el) && !tableNearby(el))
    .map((el) => el.outerHTML.slice(0, 120));
}"""


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_every_chart_and_map_has_a_text_or_table_alternative(portal, page_type):
    page = portal.visit(page_type).page
    assert page.evaluate(GRAPHICS_WITHOUT_ALTERNATIVE) == []


def test_the_check_catches_a_chart_without_alternative(portal):
    page = portal.visit(PAGE_TYPES[0]).page
    page.set_content("""<main>
      <section><h2>Mit Tabelle</h2><figure><svg width="200" height="100"></svg></figure>
        <details><summary>Werte</summary><table><tr><td>1</td></tr></table></details></section>
      <figure><canvas width="200" height="100" aria-describedby="satz"></canvas>
        <figcaption id="satz">Die Zahl der Anträge stieg im Jahr 2026 von 10 auf 20.</figcaption></figure>
      <figure><canvas id="ohne" width="200" height="100" aria-labelledby="kurz"></canvas>
        <figcaption id="kurz">Anträge</figcaption></figure>
    </main>""")
    assert page.evaluate(GRAPHICS_WITHOUT_ALTERNATIVE) == [
        '<canvas id="ohne" width="200" height="100" aria-labelledby="kurz"></canvas>'
    ]
