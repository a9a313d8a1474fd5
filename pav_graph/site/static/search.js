/* pav-graph site: the search page (search.html). The index (search-index.js, loaded by that
 * page only) holds the text as written; this script splits it into words, folds case and
 * accents and stems the words, then matches the query:
 *   - unquoted words match whole words by their stem: "vertrek" finds "vertrekken",
 *     "vertrokken" (strong verb table below) but "verschil" does not find "verschillende";
 *   - "quoted words or phrases" match whole words exactly (case and accents folded), in order;
 *   - every part of the query must match (AND).
 * Facets (kind, level, source, year) narrow the hits; every hit has a snippet. Text from the
 * data is put into the page with textContent only, never innerHTML. */
(function () {
  "use strict";

  /* ------------------------------------------------------------ folding and words */
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var WORD = /[\p{L}\p{M}\p{N}]+/gu;

  /* ------------------------------------------------------------ Dutch stemmer
   * Snowball's Dutch stemmer in its original (Porter) form, "dutch_porter" in Snowball 3
   * (https://snowballstem.org/algorithms/dutch/stemmer.html), on folded words. Tested against
   * the Python snowballstemmer on every word of the corpus (tests/test_site_search.py). */
  function isV(c) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y" || c === "è"; }

  function snowball(word) {
    var s = word.split("");
    var n = s.length, i = 0;
    if (s[0] === "y") s[0] = "Y";
    for (;;) {  // i between vowels -> I, y after a vowel -> Y (consonants for the regions)
      while (i < n && !isV(s[i])) i++;
      if (i >= n) break;
      i++;
      if (i < n && s[i] === "i") { i++; if (i < n && isV(s[i])) s[i - 1] = "I"; }
      else if (i < n && s[i] === "y") { s[i] = "Y"; i++; }
    }
    var p1 = n, p2 = n;
    if (n >= 3) {
      var j = 0;
      while (j < n && !isV(s[j])) j++;
      if (j < n) {
        j++;
        while (j < n && isV(s[j])) j++;
        if (j < n) {
          j++;
          p1 = Math.max(j, 3);
          while (j < n && !isV(s[j])) j++;
          if (j < n) {
            j++;
            while (j < n && isV(s[j])) j++;
            if (j < n) p2 = j + 1;
          }
        }
      }
    }
    var t = s.join("");
    var eFound = false;
    function undouble() {
      if (/(kk|dd|tt)$/.test(t)) { t = t.slice(0, -1); return true; }
      return false;
    }
    function enEnding(start) {
      if (start < p1 || start === 0 || isV(t[start - 1])) return false;
      if (start >= 3 && t.slice(start - 3, start) === "gem") return false;
      t = t.slice(0, start);
      undouble();
      return true;
    }
    function eEnding() {
      eFound = false;
      var st = t.length - 1;
      if (st < 0 || t[st] !== "e" || st < p1 || st === 0 || isV(t[st - 1])) return false;
      t = t.slice(0, st);
      eFound = true;
      undouble();
      return true;
    }
    var m = /(heden|ene|en|se|s)$/.exec(t), st;
    if (m) {
      st = t.length - m[1].length;
      if (m[1] === "heden") { if (st >= p1) t = t.slice(0, st) + "heid"; }
      else if (m[1] === "en" || m[1] === "ene") enEnding(st);
      else if (st >= p1 && st > 0 && !isV(t[st - 1]) && t[st - 1] !== "j") t = t.slice(0, st);
    }
    eEnding();
    if (/heid$/.test(t)) {
      st = t.length - 4;
      if (st >= p2 && !(st > 0 && t[st - 1] === "c")) {
        t = t.slice(0, st);
        if (/en$/.test(t)) enEnding(t.length - 2);
      }
    }
    m = /(end|ing|ig|lijk|baar|bar)$/.exec(t);
    if (m) {
      st = t.length - m[1].length;
      var suf = m[1];
      if (suf === "end" || suf === "ing") {
        if (st >= p2) {
          t = t.slice(0, st);
          var g = t.length - 2;
          if (/ig$/.test(t) && g >= p2 && !(g > 0 && t[g - 1] === "e")) t = t.slice(0, g);
          else undouble();
        }
      } else if (suf === "ig") {
        if (st >= p2 && !(st > 0 && t[st - 1] === "e")) t = t.slice(0, st);
      } else if (suf === "lijk") {
        if (st >= p2) { t = t.slice(0, st); eEnding(); }
      } else if (suf === "baar") {
        if (st >= p2) t = t.slice(0, st);
      } else if (st >= p2 && eFound) {  // bar
        t = t.slice(0, st);
      }
    }
    var L = t.length;  // maan -> man: undouble a vowel before a final consonant
    if (L >= 4 && !isV(t[L - 1]) && t[L - 1] !== "I" && /(aa|ee|oo|uu)$/.test(t.slice(0, L - 1)) &&
        !isV(t[L - 4])) {
      t = t.slice(0, L - 2) + t[L - 1];
    }
    return t.replace(/I/g, "i").replace(/Y/g, "y");
  }

  /* Strong and irregular verbs: a stemmer cannot know that "vertrokken" is a form of
   * "vertrekken". Past forms and participles of a few verbs that reports about officials use
   * are mapped to the infinitive, also after a prefix (ver-, af-, terug- ...), before stemming:
   * "vertrokken" -> "vertrekken" -> "vertrek", the stem of "vertrek". Forms that are also other
   * words ("wezen", "waren", "slagen" on its own) are left out. */
  var STRONG = {
    trekken: ["trok", "trokken", "getrokken"], treden: ["trad", "traden", "getreden"],
    nemen: ["nam", "namen", "genomen"], spreken: ["sprak", "spraken", "gesproken"],
    sluiten: ["sloot", "sloten", "gesloten"], vinden: ["vond", "vonden", "gevonden"],
    geven: ["gaf", "gaven", "gegeven"], komen: ["kwam", "kwamen", "gekomen"],
    zeggen: ["zei", "zeiden", "gezegd"], slaan: ["sloeg", "sloegen", "geslagen"],
    houden: ["hield", "hielden", "gehouden"], blijven: ["bleef", "bleven", "gebleven"],
    schrijven: ["schreef", "schreven", "geschreven"], gaan: ["ging", "gingen", "gegaan"],
    staan: ["stond", "stonden", "gestaan"], zien: ["zag", "zagen", "gezien"],
    kiezen: ["koos", "kozen", "gekozen"], laten: ["liet", "lieten", "gelaten"],
    dragen: ["droeg", "droegen", "gedragen"], roepen: ["riep", "riepen", "geroepen"],
    liegen: ["loog", "logen", "gelogen"], wegen: ["woog", "wogen", "gewogen"]
  };
  // a participle without ge- exists only after an inseparable prefix (ont-slagen, ver-trokken)
  var AFTER_PREFIX = { slagen: "slaan", trokken: "trekken", nomen: "nemen", sproken: "spreken" };
  var PREFIXES = ["", "ver", "be", "ont", "her", "er", "af", "aan", "op", "uit", "in", "mee",
    "na", "om", "toe", "terug", "weg", "door", "over", "voor", "bij", "tegen", "samen", "vast",
    "los", "neer", "voort", "onder", "vrij", "bekend", "ten"];
  var FORMS = {};
  Object.keys(STRONG).forEach(function (inf) {
    STRONG[inf].forEach(function (form) { FORMS[form] = inf; });
  });
  var PREFIX = {};
  PREFIXES.forEach(function (p) { PREFIX[p] = true; });

  function lemma(word) {
    for (var i = 0; i < word.length - 1; i++) {
      var head = word.slice(0, i), tail = word.slice(i);
      if (!PREFIX[head]) continue;
      if (FORMS[tail]) return head + FORMS[tail];
      if (head && AFTER_PREFIX[tail]) return head + AFTER_PREFIX[tail];
    }
    return word;
  }

  var cache = new Map();
  function stem(word) {  // word: folded
    var s = cache.get(word);
    if (s === undefined) {
      s = snowball(lemma(word));
      cache.set(word, s);
    }
    return s;
  }

  function words(text) {  // [{w: folded word, s: stem, a: start, b: end}] with offsets in text
    var out = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      var w = fold(m[0]);
      if (w) out.push({ w: w, s: stem(w), a: m.index, b: m.index + m[0].length });
    }
    return out;
  }

  /* ------------------------------------------------------------ query */
  function parse(query) {  // -> [{exact: bool, words: [folded]}]
    var parts = [], re = /"([^"]*)"?|(\S+)/g, m;
    query = query.replace(/[\u201c\u201d\u201e\u201f\u00ab\u00bb]/g, '"');
    while ((m = re.exec(query))) {
      if (m[1] !== undefined) {
        var ws = words(m[1]).map(function (x) { return x.w; });
        if (ws.length) parts.push({ exact: true, words: ws });
      } else {
        words(m[2]).forEach(function (x) { parts.push({ exact: false, words: [x.w], stem: x.s }); });
      }
    }
    return parts;
  }

  function findIn(passage, part) {  // -> [[first token, last token], ...]
    var toks = passage.toks, hits = [], n = part.words.length;
    for (var i = 0; i + n <= toks.length; i++) {
      if (part.exact) {
        var ok = true;
        for (var j = 0; j < n; j++) if (toks[i + j].w !== part.words[j]) { ok = false; break; }
        if (ok) hits.push([i, i + n - 1]);
      } else if (toks[i].s === part.stem) {
        hits.push([i, i]);
      }
    }
    return hits;
  }

  /* ------------------------------------------------------------ index */
  var KINDS = {
    "case": { order: 0, nl: "casus", en: "case" },
    "concept": { order: 1, nl: "begrip", en: "concept" },
    "actor": { order: 2, nl: "actor", en: "actor" },
    "quote": { order: 3, nl: "citaat", en: "quote" }
  };

  function prepare(raw) {
    var entries = raw.e.map(function (e) {
      var own = e.p.map(function (text, i) {
        return { text: text, toks: words(text), lang: { n: "nl", e: "en" }[(e.pl || "")[i]] || "" };
      });
      var labels = [e.l.nl, e.l.en].filter(Boolean).map(function (text) {
        return { text: text, toks: words(text), label: true };
      });
      return { e: e, passages: own, labels: labels, row: e.k !== undefined ? raw.cases[e.k] : null };
    });
    var byCase = {};
    entries.forEach(function (x) {
      if (x.e.t === "case") byCase[x.e.k] = x;
    });
    entries.forEach(function (x) {  // a case is also found by the words of its quotes and actors
      if (x.e.t === "case" || x.e.k === undefined || !byCase[x.e.k]) return;
      byCase[x.e.k].passages = byCase[x.e.k].passages.concat(x.passages);
    });
    return entries;
  }

  function facetValues(x) {
    var row = x.row, e = x.e;
    return {
      kind: [e.t],
      level: row ? row.lv : [],
      source: e.s ? [e.s] : (row ? row.s : []),
      year: row ? row.y.map(String) : []
    };
  }

  /* ------------------------------------------------------------ page */
  function bilingual(tag, label, cls) {
    var frag = document.createDocumentFragment();
    ["nl", "en"].forEach(function (lang) {
      var el = document.createElement(tag);
      el.className = "l" + (cls ? " " + cls : "");
      el.lang = lang;
      el.textContent = label[lang] || label.nl || "";
      frag.appendChild(el);
    });
    return frag;
  }

  function snippet(x, parts) {  // from a passage in the view's language, a quote or a name
    var lang = window.pgLang();
    var mine = x.passages.filter(function (p) { return !p.lang || p.lang === lang; });
    var all = mine.concat(x.labels), found = null;
    for (var i = 0; i < all.length && !found; i++) {
      var spans = [];
      parts.forEach(function (part) { spans = spans.concat(findIn(all[i], part)); });
      if (spans.length) found = { p: all[i], spans: spans };
    }
    var p = document.createElement("span");
    p.className = "snippet";
    if (!found || found.p.label) {  // matched the label (or the other language): how it begins
      var first = mine[0];
      if (!first) return null;
      p.textContent = first.text.length > 180 ? first.text.slice(0, 180) + "…" : first.text;
      if (!first.lang) p.lang = "nl";
      return p;
    }
    if (!found.p.lang) p.lang = "nl";  // a verbatim quote: Dutch in both views
    var toks = found.p.toks, text = found.p.text;
    found.spans.sort(function (a, b) { return a[0] - b[0]; });
    var at = toks[found.spans[0][0]].a;
    var start = Math.max(0, at - 80), end = Math.min(text.length, at + 160);
    if (start > 0) { var sp = text.lastIndexOf(" ", at - 70); if (sp > start) start = sp + 1; }
    var pos = start;
    p.appendChild(document.createTextNode(start > 0 ? "…" : ""));
    found.spans.forEach(function (s) {
      var a = toks[s[0]].a, b = toks[s[1]].b;
      if (a < pos || b > end) return;
      p.appendChild(document.createTextNode(text.slice(pos, a)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      p.appendChild(mark);
      pos = b;
    });
    p.appendChild(document.createTextNode(text.slice(pos, end) + (end < text.length ? "…" : "")));
    return p;
  }

  function init() {
    var input = document.getElementById("q");
    var raw = window.pgSearchIndex;
    if (!input || !raw) return;
    var entries = prepare(raw);
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var facetBox = document.getElementById("search-facets");
    var more = document.getElementById("search-more");
    var chosen = { kind: {}, level: {}, source: {}, year: {} };
    var limit = 50, timer = null;

    function facetLabel(facet, value) {
      if (facet === "kind") return KINDS[value];
      if (facet === "level") return raw.levels[value] || { nl: value, en: value };
      if (facet === "source") return { nl: raw.sources[value] || value, en: raw.sources[value] || value };
      return { nl: value, en: value };
    }

    function passes(values, except) {
      return Object.keys(chosen).every(function (f) {
        if (f === except) return true;
        var want = Object.keys(chosen[f]);
        return !want.length || values[f].some(function (v) { return chosen[f][v]; });
      });
    }

    function drawFacets(hits) {
      facetBox.textContent = "";
      if (!hits.length) return;
      var titles = { kind: { nl: "Soort", en: "Kind" }, level: { nl: "Bestuurslaag", en: "Level" },
        source: { nl: "Bron", en: "Source" }, year: { nl: "Jaar", en: "Year" } };
      Object.keys(chosen).forEach(function (f) {
        var counts = {};
        hits.forEach(function (h) {
          if (!passes(h.values, f)) return;
          h.values[f].forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        var keys = Object.keys(counts);
        Object.keys(chosen[f]).forEach(function (v) { if (!(v in counts)) { counts[v] = 0; keys.push(v); } });
        if (!keys.length) return;
        keys.sort(function (a, b) {
          if (f === "kind") return KINDS[a].order - KINDS[b].order;
          if (f === "year") return b.localeCompare(a);
          return counts[b] - counts[a] || a.localeCompare(b);
        });
        var fs = document.createElement("fieldset");
        fs.className = "facet";
        var legend = document.createElement("legend");
        legend.appendChild(bilingual("span", titles[f]));
        fs.appendChild(legend);
        keys.forEach(function (v) {
          var label = document.createElement("label");
          var box = document.createElement("input");
          box.type = "checkbox";
          box.checked = !!chosen[f][v];
          box.setAttribute("data-facet", f);
          box.value = v;
          box.addEventListener("change", function () {
            if (box.checked) chosen[f][v] = true; else delete chosen[f][v];
            limit = 50;
            run();
          });
          label.appendChild(box);
          label.appendChild(document.createTextNode(" "));
          label.appendChild(bilingual("span", facetLabel(f, v)));
          var c = document.createElement("span");
          c.className = "count";
          c.textContent = " (" + counts[v] + ")";
          label.appendChild(c);
          fs.appendChild(label);
        });
        facetBox.appendChild(fs);
      });
    }

    function say(nl, en) {
      status.setAttribute("data-nl", nl);
      status.setAttribute("data-en", en);
      status.textContent = status.getAttribute("data-" + window.pgLang());
    }

    function run() {
      var parts = parse(input.value);
      list.textContent = "";
      more.hidden = true;
      if (!parts.length) { facetBox.textContent = ""; say("", ""); return; }
      var hits = [];
      entries.forEach(function (x) {
        var all = x.passages.concat(x.labels), score = 0;
        var ok = parts.every(function (part) {
          var n = 0;
          all.forEach(function (p) { n += findIn(p, part).length; });
          score += n;
          return n > 0;
        });
        if (ok) hits.push({ x: x, score: score, values: facetValues(x) });
      });
      drawFacets(hits);
      var shown = hits.filter(function (h) { return passes(h.values); });
      shown.sort(function (a, b) {
        return KINDS[a.x.e.t].order - KINDS[b.x.e.t].order || b.score - a.score ||
          (a.x.e.l.nl || "").localeCompare(b.x.e.l.nl || "", "nl");
      });
      shown.slice(0, limit).forEach(function (h) {
        var e = h.x.e;
        var li = document.createElement("li");
        var badge = document.createElement("span");
        badge.className = "badge t-" + e.t;
        badge.appendChild(bilingual("span", KINDS[e.t]));
        li.appendChild(badge);
        var a = document.createElement("a");
        a.href = window.pgRoot() + e.u;
        a.appendChild(bilingual("span", e.l));
        li.appendChild(a);
        if (h.x.row && e.t !== "case") {
          var ctx = document.createElement("span");
          ctx.className = "context";
          ctx.appendChild(document.createTextNode(" — "));
          ctx.appendChild(bilingual("span", h.x.row.l));
          li.appendChild(ctx);
        }
        var snip = snippet(h.x, parts);
        if (snip && snip.lang === "nl") {  // a verbatim Dutch quote: marked in the English view
          var orig = document.createElement("span");
          orig.className = "l orig";
          orig.lang = "en";
          orig.textContent = "(Dutch original) ";
          snip.insertBefore(orig, snip.firstChild);
        }
        if (snip) li.appendChild(snip);
        list.appendChild(li);
      });
      more.hidden = shown.length <= limit;
      var n = shown.length, of = shown.length < hits.length ? " (" + hits.length + ")" : "";
      var cut = n > limit ? limit : n;
      say(n + " resultaten" + of + (cut < n ? ", " + cut + " getoond" : ""),
          n + " results" + of + (cut < n ? ", " + cut + " shown" : ""));
    }

    more.addEventListener("click", function () { limit += 100; run(); });
    var form = document.getElementById("search-form");
    if (form) form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        limit = 50;
        run();
        try {  // keep the query in the address, for the back button and for sharing
          var url = location.pathname + (input.value ? "?q=" + encodeURIComponent(input.value) : "");
          history.replaceState(null, "", url);
        } catch (err) { /* file:// may refuse; the search still works */ }
      }, 150);
    });
    document.addEventListener("pg-lang", function () { if (input.value) run(); });
    var q = new URLSearchParams(location.search).get("q");
    if (q) input.value = q;
    if (input.value) run();
    status.setAttribute("data-ready", "1");
  }

  window.pgSearch = { fold: fold, stem: stem, snowball: snowball, lemma: lemma, words: words, parse: parse };
  document.addEventListener("DOMContentLoaded", init);
})();
