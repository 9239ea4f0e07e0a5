// The SPARQL query page: examples, run the query with fetch, show SELECT/ASK answers as a table.
// No framework and no external CDN: the node works offline and behind strict firewalls.
(function () {
  "use strict";
  const form = document.getElementById("sparql-form");
  const query = document.getElementById("query");
  const format = document.getElementById("format");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const examples = JSON.parse(document.getElementById("example-queries").textContent);
  const endpoint = window.location.href.split(/[?#]/)[0];

  document.getElementById("examples").addEventListener("change", (event) => {
    query.value = examples[Number(event.target.value)];
  });

  form.addEventListener("submit", async (event) => {
    if (format.value) return; // a download: let the browser send the form itself
    event.preventDefault();
    status.className = "muted";
    status.textContent = status.dataset.running;
    const started = performance.now();
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded",
                  "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
        body: new URLSearchParams({query: query.value}),
      });
      const text = await response.text();
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (!response.ok) return showError(text);
      if ((response.headers.get("Content-Type") || "").includes("json")) {
        showResults(JSON.parse(text), seconds);
      } else {
        showText(text, seconds);
      }
    } catch (err) {
      showError(String(err));
    }
  });

  // The page's words, translated by the server into data-* attributes of #status ("%(name)s" placeholders).
  function say(key, values) {
    return status.dataset[key].replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
  }

  function showError(text) {
    let message = text;
    try { message = JSON.parse(text).message || text; } catch (_) { /* plain text */ }
    status.className = "error";
    status.textContent = message;
    results.hidden = true;
  }

  function showText(text, seconds) {
    status.textContent = say("graph", {seconds});
    results.replaceChildren(Object.assign(document.createElement("pre"), {textContent: text}));
    results.hidden = false;
  }

  function showResults(data, seconds) {
    if ("boolean" in data) {
      status.textContent = say("ask", {seconds});
      results.replaceChildren(Object.assign(document.createElement("p"), {textContent: String(data.boolean)}));
      results.hidden = false;
      return;
    }
    const vars = data.head.vars;
    const rows = data.results.bindings;
    status.textContent = say("rows", {rows: rows.length, seconds});
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    vars.forEach((name) => { head.appendChild(document.createElement("th")).textContent = "?" + name; });
    const body = table.createTBody();
    rows.forEach((row) => {
      const tr = body.insertRow();
      vars.forEach((name) => tr.insertCell().appendChild(cell(row[name])));
    });
    results.replaceChildren(table);
    results.hidden = false;
    label(table);
  }

  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const MAX_LABELLED = 500; // the server labels at most this many IRIs (node/web/sparql_labels.py)

  function cell(term) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") {
      // only http(s) IRIs are links: a javascript: IRI in a result is shown, never followed
      const link = /^https?:/i.test(term.value)
        ? Object.assign(document.createElement("a"), {href: term.value, textContent: term.value})
        : Object.assign(document.createElement("a"), {textContent: term.value});
      link.dataset.iri = term.value;
      return link;
    }
    const span = document.createElement("span");
    span.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
    const tag = term["xml:lang"] ? "@" + term["xml:lang"]
      : term.datatype ? "^^" + term.datatype.replace(XSD, "xsd:") : "";
    if (term["xml:lang"]) span.lang = term["xml:lang"];
    if (!tag) return span;
    const wrap = document.createElement("span");
    const small = Object.assign(document.createElement("small"), {className: "muted term-tag", textContent: " " + tag});
    wrap.append(span, small);
    return wrap;
  }

  // One request for the labels of every IRI shown (not one per cell); links go to the node's own page.
  async function label(table) {
    const links = Array.from(table.querySelectorAll("a[data-iri]"));
    const iris = Array.from(new Set(links.map((a) => a.dataset.iri))).slice(0, MAX_LABELLED);
    if (!iris.length) return;
    try {
      const response = await fetch(endpoint + "/labels", {
        method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify({iris}),
      });
      if (!response.ok) return; // labels are a nicety: the raw IRIs stay
      const known = await response.json();
      links.forEach((a) => {
        const info = known[a.dataset.iri];
        if (!info) return;
        if (info.href) a.href = info.href;
        a.title = a.dataset.iri;
        if (info.label) {
          a.textContent = info.label;
          if (info.lang && info.lang !== document.documentElement.lang) a.lang = info.lang;
        }
      });
    } catch (_) { /* offline or refused: the raw IRIs stay */ }
  }
})();
