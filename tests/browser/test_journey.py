"""A person's journey through the portal in a real browser, in English and in French, with an
accessibility check (axe-core) on every page: no serious or critical violation."""

import pytest

from tests.browser.conftest import axe_script

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"theme": "Theme", "publisher": "Publisher", "datasets": "datasets", "report": "Validation report",
           "score": "Quality score", "improve": "What to improve first", "remove": "Clear all filters",
           "broken": "Does not conform to dcat-ap-3", "validate": "Validate",
           "hint": "The dataset has no description (dct:description); it is mandatory. Add dct:description",
           "rows": "rows in"},
    "fr": {"theme": "Thème", "publisher": "Éditeur", "datasets": "jeux de données", "report": "Rapport de validation",
           "score": "Score de qualité", "improve": "À améliorer en priorité", "remove": "Retirer tous les filtres",
           "broken": "Non conforme à dcat-ap-3", "validate": "Valider",
           "hint": "Le jeu de données n'a pas de description (dct:description) ; elle est obligatoire. Ajoutez",
           "rows": "lignes en"},
}
BROKEN = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/ds> a dcat:Dataset ; dct:title "Broken"@en ."""


def check_accessibility(page, where: str) -> None:
    page.add_script_tag(content=axe_script())
    violations = page.evaluate("async () => (await axe.run(document)).violations"
                               ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}))")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"{where}: {serious}"


def facet_link(page, facet: str, index: int = 0):
    return page.locator(f'[data-facet="{facet}"] a').nth(index)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_search_facets_dataset_publisher_reports_sparql(live_url, browser, shoot, language):
    words = WORDS[language]
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    page.goto(live_url + "catalog")
    assert page.locator("html").get_attribute("lang") == language
    assert words["datasets"] in page.locator("#total").inner_text()
    check_accessibility(page, "catalogue")
    shoot(page, f"{language}-1-catalogue")

    page.fill("#q", "urgences")
    page.press("#q", "Enter")
    assert page.locator(".result").count() >= 1
    shoot(page, f"{language}-2-search")

    page.goto(live_url + "catalog")
    facet_link(page, "theme").click()
    after_theme = page.locator(".result").count()
    assert page.locator("#active-filters li").count() == 1
    shoot(page, f"{language}-3-facet")

    facet_link(page, "publisher").click()
    assert page.locator("#active-filters li").count() == 2  # combined: theme and publisher
    assert "theme=" in page.url and "publisher=" in page.url
    assert page.locator(".result").count() <= after_theme
    shoot(page, f"{language}-4-combined")

    page.locator("#active-filters li a").nth(1).click()  # remove the publisher, keep the theme
    assert page.locator("#active-filters li").count() == 1 and "publisher=" not in page.url
    assert page.locator(".result").count() == after_theme
    shoot(page, f"{language}-5-removed")

    page.goto(live_url + "datasets/snds")
    check_accessibility(page, "dataset")
    shoot(page, f"{language}-6-dataset")
    page.locator(f'a[href="{live_url}agents/cnam"]').first.click()
    assert page.locator("#agent-datasets").count() == 1
    assert "CNAM" in page.locator("h1").inner_text()
    check_accessibility(page, "publisher")
    shoot(page, f"{language}-7-publisher")

    page.goto(live_url + "datasets/snds")
    page.locator('a[href="datasets/snds/validation"]').first.click()
    assert words["report"] in page.locator("h1").inner_text()
    assert page.locator(".field").count() >= 1
    check_accessibility(page, "validation report")
    shoot(page, f"{language}-8-report")

    page.goto(live_url + "datasets/snds")
    page.locator('a[href="datasets/snds/quality"]').first.click()
    assert words["score"] in page.locator("h1").inner_text()
    assert words["improve"] in page.content() or page.locator("#indicators tr").count() > 5
    check_accessibility(page, "quality score")
    shoot(page, f"{language}-9-quality")

    page.goto(live_url + "sparql")
    page.select_option("#examples", index=0)
    page.click("#sparql-form button[type=submit]")
    page.wait_for_selector("#results table")
    assert page.locator("#results table tr").count() > 1
    page.fill("#query", "SELECT ?dataset ?publisher WHERE { ?dataset a <http://www.w3.org/ns/dcat#Dataset> ; "
                        "<http://purl.org/dc/terms/publisher> ?publisher } LIMIT 5")
    page.click("#sparql-form button[type=submit]")
    labelled = page.locator('#results a[title][href^="datasets/"]').first
    labelled.wait_for()
    assert not labelled.inner_text().startswith("http") and labelled.get_attribute("title").startswith("http")
    assert words["rows"] in page.locator("#status").inner_text()
    check_accessibility(page, "sparql results")
    shoot(page, f"{language}-10-sparql")
    context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_upload_a_broken_file_to_the_validator(live_url, browser, shoot, language, tmp_path):
    words = WORDS[language]
    broken = tmp_path / "broken.ttl"
    broken.write_bytes(BROKEN)
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    page.goto(live_url + "validate")
    check_accessibility(page, "validator")
    page.select_option("#profile", "dcat-ap-3")
    page.set_input_files("#file", str(broken))
    page.locator('#validate-form button[value=""]').click()
    verdict = page.locator("#verdict").inner_text()
    assert words["broken"] in verdict
    assert "dct:description" in page.content()
    assert words["hint"] in page.locator("main").inner_text()
    check_accessibility(page, "validator report")
    shoot(page, f"{language}-11-validator")
    context.close()


def test_the_language_switch_persists(live_url, browser):
    context = browser.new_context(extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.goto(live_url + "catalog")
    page.locator('nav.languages a[lang="fr"]').click()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto(live_url + "harvest")
    assert page.locator("h1").inner_text() == "Moissons"
    context.close()
