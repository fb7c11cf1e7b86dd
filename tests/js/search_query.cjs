// Run the site search's engine (docs/assets/javascripts/search.js) in Node on a built site:
//   node search_query.cjs SITE_DIR query...      → JSON lines: {query, results: [[location, title, score]]}
//   node search_query.cjs SITE_DIR --stem word... → JSON: {word: stem}
// Used by tests/test_search.py to check the stemmer against Python's and to explain rankings.
"use strict";
const fs = require("fs");
const path = require("path");
const { Engine } = require(path.resolve(__dirname, "../../docs/assets/javascripts/search.js"));

const [site, ...args] = process.argv.slice(2);
const read = (p) => Promise.resolve(JSON.parse(fs.readFileSync(path.join(site, "search", p), "utf8")));

(async () => {
  const engine = new Engine(await read("meta.json"), read);
  if (args[0] === "--stem") {
    const words = args.length > 1 ? args.slice(1) : fs.readFileSync(0, "utf8").split("\n").filter(Boolean);
    const out = {};
    for (const w of words) out[w] = engine.stem(w);
    process.stdout.write(JSON.stringify(out));
    return;
  }
  for (const query of args) {
    const { groups } = await engine.search(query);
    const top = groups.slice(0, 5);
    const rows = await engine.rows(top.map((g) => g.best));
    console.log(JSON.stringify({ query, results: rows.map((r, i) => [r[0], r[1], +top[i].score.toFixed(2)]) }));
  }
})();
