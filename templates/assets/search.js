// The search page: a static inverted index under search/data/ (written by builder/search.py),
// fetched shard by shard as the reader types. No library, no build step; every piece of data is
// put on the page with textContent, so an article's text can never become markup.
//
// Index files (paths relative to the site root, given by the form's data-base):
//   search/data/meta.json            {docs, key_length, min_length, stopwords}
//   search/data/terms/<key>.json     {term: "docid:weight,docid:weight,..."}; <key> = the term's
//                                    first key_length characters, or "_" + hex of their UTF-8
//                                    when not [a-z0-9]
//   search/data/docs/<id[5:7]>.json  {docid: {url, title, date, dossiers, summary}}
// A docid starts with its article's date as five digits (days since 1900, 00000 undated), so
// ids sort by date: equal scores are ordered newest first without fetching any record.
//   search/data/dossiers/<slug>.json [docid, ...]
(() => {
  "use strict";

  const PAGE = 10;          // results shown at first and added per "More results"
  const DEBOUNCE = 150;     // ms of quiet typing before a search runs
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"];

  const form = document.getElementById("search");
  const input = document.getElementById("search-q");
  const scope = document.getElementById("dossier");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  if (!form || !input || !scope || !status || !list || !more) return;
  const data = (form.dataset.base || "/") + "search/data/";

  // ------------------------------------------------------------ fetching, cached per URL

  class IndexError extends Error {}
  const fetched = new Map();   // path -> Promise of the parsed JSON (null: a shard that does not exist)

  function getJSON(path, missingIsEmpty = false) {
    if (!fetched.has(path)) {
      const promise = fetch(data + path).then((response) => {
        if (response.status === 404 && missingIsEmpty) return null;
        if (!response.ok) throw new IndexError(`${path} answered HTTP ${response.status}`);
        return response.json().catch(() => { throw new IndexError(`${path} is not valid JSON`); });
      }, () => { throw new IndexError(`${path} could not be fetched (offline?)`); });
      promise.catch(() => fetched.delete(path));   // a failure is retried by the next search
      fetched.set(path, promise);
    }
    return fetched.get(path);
  }

  // ------------------------------------------------------------ folding, as builder/text.py words()

  const INVISIBLE = /[\u00ad\u200b\u200c\u200d\ufeff]/gu;   // dropped, not word breaks (soft hyphen...)
  const INVISIBLE_CHAR = /^[\u00ad\u200b\u200c\u200d\ufeff]$/u;
  const MARK = /\p{M}/gu;
  const WORD_CHAR = /[\p{L}\p{N}]/u;
  const SEPARATORS = /[^\p{L}\p{N}]+/u;
  const combiningCache = new Map();

  // Python drops the characters whose canonical combining class is not 0; the others (some vowel
  // signs) stay and break words. JavaScript cannot read the class, but canonical ordering shows
  // it: after U+0345 (class 240, the highest) a mark of any lower non-zero class moves in front.
  function isCombining(mark) {
    let combining = combiningCache.get(mark);
    if (combining === undefined) {
      combining = mark === "\u0345" || ("a\u0345" + mark).normalize("NFD") !== "a\u0345" + mark.normalize("NFD");
      combiningCache.set(mark, combining);
    }
    return combining;
  }

  // Case folding: toLowerCase plus what Python's casefold() does differently once NFKD has run
  // (checked code point by code point against Python 3.11): ß and final sigma, Cherokee (which
  // folds to its capitals) and the old Cyrillic letter variants.
  const OLD_CYRILLIC = "вдосттъѣꙋ";    // U+1C80..U+1C88
  function lower(text) {
    text = text.toLowerCase();
    if (/^[\0-\u00de]*$/u.test(text)) return text;
    return text.replace(/ß/gu, "ss").replace(/ς/gu, "σ")
      .replace(/[\uab70-\uabbf\u13f8-\u13fd\u1c80-\u1c88]/gu, (c) => {
        const code = c.charCodeAt(0);
        if (code >= 0x1c80 && code <= 0x1c88) return OLD_CYRILLIC[code - 0x1c80];
        return String.fromCharCode(code >= 0xab70 ? code - 0xab70 + 0x13a0 : code - 8);
      });
  }

  function foldText(text) {
    return lower(text.replace(INVISIBLE, "").normalize("NFKD")
      .replace(MARK, (m) => (isCombining(m) ? "" : m)).normalize("NFC"));
  }

  function words(text) {
    return foldText(text).split(SEPARATORS).filter(Boolean);
  }

  const length = (word) => [...word].length;   // code points, as Python counts

  // ------------------------------------------------------------ the index

  // As builder/search.py's shard_name: names Windows reserves are written in hex too.
  const DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;
  function shardName(key) {
    if (/^[a-z0-9]+$/.test(key) && !DEVICES.test(key)) return key;
    return "_" + Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The query's words that the index can answer (deduplicated), and whether any were dropped.
  function queryWords(query, meta) {
    const stop = new Set(meta.stopwords);
    const all = words(query);
    const kept = [...new Set(all.filter((w) => length(w) >= meta.min_length && !stop.has(w)))];
    return { all, kept };
  }

  // docid -> score for one query word: the terms equal to it (full weight) or starting with it
  // (half weight; only for words of key_length or more), each weighted by ln(1 + N / df).
  async function wordScores(word, meta) {
    const key = [...word].slice(0, meta.key_length).join("");
    const shard = (await getJSON(`terms/${shardName(key)}.json`, true)) || {};
    const prefix = length(word) >= meta.key_length;
    const scores = new Map();
    for (const term of Object.keys(shard)) {
      const factor = term === word ? 1 : prefix && term.startsWith(word) ? 0.5 : 0;
      if (!factor) continue;
      const postings = shard[term].split(",");
      const idf = Math.log(1 + meta.docs / postings.length);
      for (const posting of postings) {
        const [id, weight] = posting.split(":");
        scores.set(id, (scores.get(id) || 0) + Number(weight) * factor * idf);
      }
    }
    return scores;
  }

  // Every word must match (AND); the scores add up. Returns [{id, score, doc}] in no set order.
  async function matches(kept, slug, meta) {
    const [perWord, members] = await Promise.all([
      Promise.all(kept.map((w) => wordScores(w, meta))),
      slug ? getJSON(`dossiers/${encodeURIComponent(slug)}.json`) : null,
    ]);
    perWord.sort((a, b) => a.size - b.size);
    const allowed = members ? new Set(members) : null;
    const found = [];
    for (const [id, first] of perWord[0]) {
      if (allowed && !allowed.has(id)) continue;
      let score = first;
      let all = true;
      for (const other of perWord.slice(1)) {
        const s = other.get(id);
        if (s === undefined) { all = false; break; }
        score += s;
      }
      // Rounded so that sums of the same parts added in another order tie, as they should.
      if (all) found.push({ id, score: Number(score.toPrecision(12)), doc: null });
    }
    return found;
  }

  const bucket = (id) => id.slice(5, 7);

  async function loadDocs(results) {
    const wanted = results.filter((r) => !r.doc);
    const buckets = await Promise.all([...new Set(wanted.map((r) => bucket(r.id)))]
      .map(async (b) => [b, await getJSON(`docs/${b}.json`)]));
    const byBucket = new Map(buckets);
    for (const r of wanted) {
      const doc = byBucket.get(bucket(r.id))[r.id];
      if (!doc) throw new IndexError(`article ${r.id} is missing from docs/${bucket(r.id)}.json (the index changed: reload the page)`);
      r.doc = doc;
    }
  }

  // Score first; equal scores newest first (an id starts with its date), undated last.
  function compare(a, b) {
    if (a.score !== b.score) return b.score - a.score;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  }

  // Sort `results` and load the records of the first `upto`, the ones shown.
  async function settle(results, upto) {
    results.sort(compare);
    await loadDocs(results.slice(0, upto));
  }

  // ------------------------------------------------------------ drawing

  function longDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : null;
  }

  function dossierTitle(slug) {
    const option = [...scope.options].find((o) => o.value === slug);
    return option ? option.label : slug;
  }

  // `text` with every word that a query word finds wrapped in <mark>: the words are cut out of the
  // original text one code point at a time, each folded as the index folds, so that the marks
  // keep the text's own accents and case.
  function highlighted(text, kept, keyLength) {
    const finds = (word) => kept.some((q) => word === q || (length(q) >= keyLength && word.startsWith(q)));
    const fragment = document.createDocumentFragment();
    let done = 0;          // text before this index is on the fragment
    let start = -1;        // the current word's start in `text`, -1 between words
    let end = 0;           // the end of the current word's last character
    let folded = "";
    const close = () => {
      start = Math.max(start, done);
      if (folded && end > start && finds(folded)) {
        if (start > done) fragment.append(text.slice(done, start));
        const mark = document.createElement("mark");
        mark.textContent = text.slice(start, end);
        fragment.append(mark);
        done = end;
      }
      start = -1;
      folded = "";
    };
    let index = 0;
    for (const ch of text) {
      const f = INVISIBLE_CHAR.test(ch) ? "" : foldText(ch);
      if (f === "") {                 // a combining mark or an invisible character: inside a word
        if (start >= 0) end = index + ch.length;
      }
      for (const c of f) {
        if (WORD_CHAR.test(c)) {
          if (start < 0) start = index;
          folded += c;
          end = index + ch.length;
        } else if (start >= 0) {
          close();
        }
      }
      index += ch.length;
    }
    if (start >= 0) close();
    if (done < text.length) fragment.append(text.slice(done));
    return fragment;
  }

  function resultItem(result, kept, keyLength) {
    const doc = result.doc;
    const item = document.createElement("li");
    item.className = "item result";
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = (form.dataset.base || "/") + doc.url;
    link.textContent = doc.title;
    heading.append(link);
    const meta = document.createElement("p");
    meta.className = "meta";
    const date = longDate(doc.date);
    if (date) {
      const time = document.createElement("time");
      time.dateTime = doc.date.slice(0, 10);
      time.textContent = date;
      meta.append(time);
    } else {
      meta.append("Undated");
    }
    const filed = (doc.dossiers || []).map(dossierTitle);
    if (filed.length) meta.append(" · " + filed.join(", "));
    item.append(heading, meta);
    if (doc.summary) {
      const summary = document.createElement("p");
      summary.className = "summary";
      summary.append(highlighted(doc.summary, kept, keyLength));
      item.append(summary);
    }
    return item;
  }

  function say(message) {
    if (status.textContent !== message) status.textContent = message;
  }

  function quoted(query) {
    return `“${query.trim().replace(/\s+/gu, " ")}”`;
  }

  // ------------------------------------------------------------ searching

  let current = null;      // {query, slug, kept, results, shown, keyLength}
  let generation = 0;      // bumped by every new search: an older one's answer is dropped
  let timer = 0;

  function busy(on) {
    if (on) list.setAttribute("aria-busy", "true");
    else list.removeAttribute("aria-busy");
  }

  function remember(query, slug) {
    const params = new URLSearchParams(location.search);
    for (const [name, value] of [["q", query.trim()], ["dossier", slug]]) {
      if (value) params.set(name, value);
      else params.delete(name);
    }
    const search = params.toString();
    const address = location.pathname + (search ? "?" + search : "") + location.hash;
    if (address !== location.pathname + location.search + location.hash) {
      history.replaceState(history.state, "", address);
    }
  }

  function clear() {
    current = null;
    list.replaceChildren();
    more.hidden = true;
  }

  async function search() {
    clearTimeout(timer);
    const mine = ++generation;
    const query = input.value;
    const slug = scope.value;
    remember(query, slug);
    busy(true);
    try {
      const meta = await getJSON("meta.json");
      if (mine !== generation) return;
      const { all, kept } = queryWords(query, meta);
      if (!kept.length) {
        clear();
        say(all.length ? `${quoted(query)} has only very common or one-letter words, which are not indexed: add a more specific word.`
                       : "Type a word or two to search every article.");
        return;
      }
      const results = await matches(kept, slug, meta);
      await settle(results, PAGE);
      if (mine !== generation) return;
      clear();
      current = { query, slug, kept, results, shown: 0, keyLength: meta.key_length };
      const where = slug ? ` in ${dossierTitle(slug)}` : "";
      const n = results.length;
      say(n ? `${n} result${n === 1 ? "" : "s"} for ${quoted(query)}${where}` : `No results for ${quoted(query)}${where}`);
      show(PAGE);
    } catch (error) {
      if (mine !== generation) return;
      clear();
      const detail = error instanceof IndexError ? error.message : String(error);
      say(`Search is not available right now: ${detail}.`);
      if (!(error instanceof IndexError)) console.error(error);
    } finally {
      if (mine === generation) busy(false);
    }
  }

  // Show the next `count` results of the current search (their docs are loaded by settle()).
  function show(count) {
    const { results, kept, keyLength } = current;
    const upto = Math.min(current.shown + count, results.length);
    const first = current.shown;
    for (const result of results.slice(first, upto)) list.append(resultItem(result, kept, keyLength));
    current.shown = upto;
    more.hidden = upto >= results.length;
    return list.children[first];
  }

  async function showMore() {
    if (!current) return;
    const mine = generation;
    const state = current;
    busy(true);
    more.disabled = true;
    try {
      await settle(state.results, state.shown + PAGE);
      if (mine !== generation || state !== current) return;
      const added = show(PAGE);
      // Keyboard and screen reader users continue where the new results start.
      const link = added && added.querySelector("a");
      if (link) link.focus();
    } catch (error) {
      if (mine !== generation) return;
      say(`Could not load more results: ${error instanceof IndexError ? error.message : error}.`);
    } finally {
      more.disabled = false;
      if (mine === generation) busy(false);
    }
  }

  input.addEventListener("input", () => {
    busy(true);
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  scope.addEventListener("change", search);
  more.addEventListener("click", showMore);

  const params = new URLSearchParams(location.search);
  const slug = params.get("dossier") || "";
  if ([...scope.options].some((o) => o.value === slug)) scope.value = slug;
  input.value = params.get("q") || "";
  search();
})();
