// "Check these results" on a contest's results page: downloads the published score sheet and
// the frozen rules document, recomputes the ranking and the payouts exactly as Concours does
// (src/domain/award.rs, src/domain/scoresheet.rs: integer micro-points compared by exact
// cross-multiplication, the same tie rules, split remainders one cent each to the best
// ranked), recomputes the SHA-256 fingerprints of both documents and of their canonical
// JSON (src/domain/canonical.rs), and shows a check mark or a cross per check against what
// this page shows. Same-origin script, no inline code; its texts come from the section's
// data- attributes, in the page's language.
(function () {
  'use strict';

  var MICRO = 1000000;

  // ---- SHA-256 ---------------------------------------------------------------------------
  // crypto.subtle exists only in secure contexts (https, localhost); elsewhere a small
  // implementation below gives the same digest.

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function sha256Fallback(bytes) {
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var length = bytes.length;
    var padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    var bits = length * 8;
    var view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(padded.length - 4, bits >>> 0);
    var w = new Array(64);
    for (var offset = 0; offset < padded.length; offset += 64) {
      for (var i = 0; i < 16; i++) {
        w[i] = view.getUint32(offset + i * 4);
      }
      for (i = 16; i < 64; i++) {
        var x = w[i - 15];
        var y = w[i - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (k + S1 + ch + K[i] + w[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0;
        d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    return h.map(function (word) {
      return ('00000000' + (word >>> 0).toString(16)).slice(-8);
    }).join('');
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return ('0' + byte.toString(16)).slice(-2);
    }).join('');
  }

  function sha256(text) {
    var bytes = new TextEncoder().encode(text);
    if (window.crypto && window.crypto.subtle && window.isSecureContext) {
      return window.crypto.subtle.digest('SHA-256', bytes).then(hex);
    }
    return Promise.resolve(sha256Fallback(bytes));
  }

  // ---- Canonical JSON (src/domain/canonical.rs) ------------------------------------------
  // Keys sorted by their UTF-8 bytes, no insignificant white space; strings escaped as
  // serde_json escapes them, which JSON.stringify does too.

  function compareBytes(a, b) {
    var x = new TextEncoder().encode(a);
    var y = new TextEncoder().encode(b);
    var n = Math.min(x.length, y.length);
    for (var i = 0; i < n; i++) {
      if (x[i] !== y[i]) {
        return x[i] < y[i] ? -1 : 1;
      }
    }
    return x.length - y.length;
  }

  function canonical(value) {
    if (Array.isArray(value)) {
      return '[' + value.map(canonical).join(',') + ']';
    }
    if (value !== null && typeof value === 'object') {
      return '{' + Object.keys(value).sort(compareBytes).map(function (key) {
        return JSON.stringify(key) + ':' + canonical(value[key]);
      }).join(',') + '}';
    }
    return JSON.stringify(value);
  }

  // ---- Ranking and allocation (src/domain/award.rs) --------------------------------------

  // A juror's sheet score in micro-points: 100 × Σ weight·score/max ÷ Σ weight, in the same
  // floating-point operations as the server, rounded the same way (scores are never negative).
  function sheetScore(criteria, scores) {
    var totalWeight = 0;
    criteria.forEach(function (c) { totalWeight += c.weight; });
    if (totalWeight === 0) {
      return 0;
    }
    var weighted = 0;
    criteria.forEach(function (c) {
      weighted += c.weight * (scores[c.key] || 0) / c.max;
    });
    return Math.round(100 * weighted / totalWeight * MICRO);
  }

  // Higher mean first, compared exactly: other.sum × self.count against self.sum × other.count.
  function cmpDesc(a, b) {
    var left = BigInt(b.sum) * BigInt(a.count);
    var right = BigInt(a.sum) * BigInt(b.count);
    return left < right ? -1 : left > right ? 1 : 0;
  }

  function atLeast(mean, minimum) {
    return BigInt(mean.sum) >= BigInt(minimum) * BigInt(MICRO) * BigInt(mean.count);
  }

  // An RFC 3339 instant as nanoseconds since the epoch (a BigInt), for exact comparison.
  function instant(text) {
    var m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(text || '');
    if (!m) {
      throw new Error('first_submitted_at ' + text);
    }
    var seconds = Date.parse(m[1] + (m[3].toUpperCase() === 'Z' ? 'Z' : m[3]));
    if (isNaN(seconds)) {
      throw new Error('first_submitted_at ' + text);
    }
    var fraction = ((m[2] || '') + '000000000').slice(0, 9);
    return BigInt(seconds) * 1000000n + BigInt(fraction);
  }

  // An entry's score from its sheets' scores (micro-points) by the declared aggregation,
  // exactly, as a sum over a count (src/domain/award.rs, `aggregate`); null without a sheet.
  // The median of an even count is the two middle sheets' sum over 2; the trimmed mean drops
  // one highest and one lowest sheet from four sheets on.
  function aggregate(aggregation, scores) {
    var n = scores.length;
    if (n === 0) {
      return null;
    }
    var sorted = scores.slice().sort(function (x, y) { return x - y; });
    var part;
    if (aggregation === 'median') {
      part = n % 2 === 1 ? sorted.slice((n - 1) / 2, (n + 1) / 2) : sorted.slice(n / 2 - 1, n / 2 + 1);
    } else if (aggregation === 'trimmed_mean' && n >= 4) {
      part = sorted.slice(1, n - 1);
    } else if (aggregation === undefined || aggregation === 'mean' || aggregation === 'trimmed_mean') {
      part = sorted;
    } else {
      throw new Error('aggregation ' + aggregation);
    }
    var sum = 0;
    part.forEach(function (x) { sum += x; });
    return { sum: sum, count: part.length };
  }

  // Ranks the entries: higher score first, unscored after the scored ones, ties broken by the
  // mean normalised score of each criterion in order, the earlier first submission, the id.
  function rank(aggregation, criteria, entries) {
    var keyed = entries.map(function (entry) {
      var count = entry.sheets.length;
      var score = aggregate(aggregation, entry.sheets.map(function (s) { return sheetScore(criteria, s); }));
      var perCriterion = criteria.map(function (c) {
        var sum = 0;
        entry.sheets.forEach(function (s) {
          sum += Math.round((s[c.key] || 0) / c.max * MICRO);
        });
        return { sum: sum, count: Math.max(count, 1) };
      });
      return { entry: entry, score: score, perCriterion: perCriterion, at: instant(entry.firstSubmittedAt) };
    });
    keyed.sort(function (a, b) {
      var order;
      if (a.score && b.score) {
        order = cmpDesc(a.score, b.score);
      } else if (a.score) {
        order = -1;
      } else if (b.score) {
        order = 1;
      } else {
        order = 0;
      }
      for (var i = 0; order === 0 && i < a.perCriterion.length; i++) {
        order = cmpDesc(a.perCriterion[i], b.perCriterion[i]);
      }
      if (order === 0 && a.at !== b.at) {
        order = a.at < b.at ? -1 : 1;
      }
      if (order === 0) {
        order = compareBytes(a.entry.id, b.entry.id);
      }
      return order;
    });
    return keyed.map(function (k, i) {
      return { id: k.entry.id, rank: i + 1, score: k.score, track: k.entry.track, round: 0, finalist: true };
    });
  }

  // Who advances from `round` among its `entrants` (src/domain/award/structure.rs, `advance`):
  // the top N (every entry tied with the N-th too) or those reaching min_score, over all
  // entrants or within each track in the rules' order; an entry nobody scored never advances.
  function advance(rules, round, entrants) {
    var groups = [];
    var rule = round.advance || {};
    if (rule.per_track) {
      var byTrack = {};
      var order = [];
      entrants.forEach(function (e) {
        var key = e.track === null ? '\u0000' : 'k' + e.track;
        if (!byTrack[key]) {
          byTrack[key] = [];
          order.push(key);
        }
        byTrack[key].push(e);
      });
      (rules.tracks || []).forEach(function (t) {
        groups.push(byTrack['k' + t.key] || []);
        delete byTrack['k' + t.key];
      });
      order.forEach(function (key) {
        if (byTrack[key]) {
          groups.push(byTrack[key]);
        }
      });
    } else {
      groups.push(entrants);
    }
    var advanced = [];
    groups.forEach(function (group) {
      var scored = rank(rules.aggregation, round.criteria, group).filter(function (r) { return r.score; });
      var taken;
      if (typeof rule.min_score === 'number') {
        taken = scored.filter(function (r) { return atLeast(r.score, rule.min_score); });
      } else if (typeof rule.top === 'number') {
        var last = scored[rule.top - 1];
        taken = last ? scored.filter(function (r) { return cmpDesc(r.score, last.score) <= 0; }) : scored;
      } else {
        throw new Error('advance ' + JSON.stringify(rule));
      }
      taken.forEach(function (r) { advanced.push(r.id); });
    });
    return advanced;
  }

  // The final ranking (src/domain/award/structure.rs, `outcome`): the finalists by the final
  // round, then the others by the last round they reached, later rounds first, each group with
  // the usual tie-breaks and the sheets of that round.
  function finalRanking(rules, rounds, entries, advanced) {
    var sets = advanced.map(function (ids) {
      var set = {};
      ids.forEach(function (id) { set[id] = true; });
      return set;
    });
    var reached = function (id) {
      var n = 0;
      while (n < sets.length && sets[n][id]) {
        n++;
      }
      return n;
    };
    var last = rules.rounds ? rules.rounds.length : 0;
    var ranking = [];
    for (var level = last; level >= 0; level--) {
      var group = entries.filter(function (e) { return reached(e.id) === level; }).map(function (e) {
        if (level === last) {
          return e;
        }
        var earlier = (rounds[level] ? rounds[level].entrants : []).filter(function (r) { return r.id === e.id; })[0];
        return { id: e.id, firstSubmittedAt: e.firstSubmittedAt, track: e.track, sheets: earlier ? earlier.sheets : [] };
      });
      var criteria = level < last ? rules.rounds[level].criteria : rules.criteria;
      var offset = ranking.length;
      rank(rules.aggregation, criteria, group).forEach(function (r) {
        r.rank += offset;
        r.round = level;
        r.finalist = level === last;
        ranking.push(r);
      });
    }
    return ranking;
  }

  // Splits `total` equally among `takers`, the leftover cents one each to the best ranked.
  function split(payouts, takers, total) {
    if (takers.length === 0) {
      return total;
    }
    var n = takers.length;
    var share = Math.floor(total / n);
    var leftover = total % n;
    takers.forEach(function (entry, i) {
      var amount = share + (i < leftover ? 1 : 0);
      if (amount > 0) {
        payouts.push({ entry: entry.id, cents: amount, reason: 'fallback' });
      }
    });
    return 0;
  }

  // One stage's prizes over a ranking (src/domain/award.rs, `allocate`): prize i to the i-th
  // qualified entry (a finalist reaching the minimum score), the fallback among the others.
  function allocate(rules, prizes, ranking) {
    var qualified = ranking.filter(function (r) {
      return r.finalist && r.score && atLeast(r.score, rules.minimum_score);
    });
    var payouts = [];
    var winners = {};
    for (var i = 0; i < Math.min(prizes.length, qualified.length); i++) {
      payouts.push({ entry: qualified[i].id, cents: prizes[i].amount_cents, reason: 'prize' });
      winners[qualified[i].id] = true;
    }
    var unclaimed = prizes.slice(qualified.length).map(function (p) { return p.amount_cents; });
    if (unclaimed.length === 0) {
      return payouts;
    }
    var others = ranking.filter(function (r) { return !winners[r.id]; });
    var sum = unclaimed.reduce(function (x, y) { return x + y; }, 0);
    var toBeneficiary = 0;
    var policy = rules.fallback && rules.fallback.policy;
    if (policy === 'best_anyway') {
      unclaimed.forEach(function (amount, j) {
        if (others[j]) {
          payouts.push({ entry: others[j].id, cents: amount, reason: 'fallback' });
        } else {
          toBeneficiary += amount;
        }
      });
    } else if (policy === 'split_top') {
      toBeneficiary += split(payouts, others.slice(0, rules.fallback.n), sum);
    } else if (policy === 'split_all') {
      toBeneficiary += split(payouts, others, sum);
    } else {
      throw new Error('fallback ' + policy);
    }
    if (toBeneficiary > 0) {
      payouts.push({ entry: null, cents: toBeneficiary, reason: 'no_entries' });
    }
    return payouts;
  }

  // The whole pool (src/domain/award/structure.rs, `allocate_all`): the overall prizes over all
  // entries, then each track's in the rules' order over its entries that won nothing, each
  // stage's fallback inside it and its rest to the beneficiary, each payout with its track.
  function allocateAll(rules, ranking) {
    var payouts = [];
    var paid = {};
    var withTracks = Array.isArray(rules.tracks);
    var stage = function (prizes, track) {
      if (!prizes || prizes.length === 0) {
        return;
      }
      var field = ranking.filter(function (r) {
        return (track === null || r.track === track) && !paid[r.id];
      });
      allocate(rules, prizes, field).forEach(function (p) {
        if (p.entry !== null) {
          paid[p.entry] = true;
        }
        if (withTracks) {
          p.track = track;
        }
        payouts.push(p);
      });
    };
    stage(rules.prizes, null);
    (rules.tracks || []).forEach(function (t) { stage(t.prizes, t.key); });
    return payouts;
  }

  // The prize pool: the overall prizes and every track's.
  function pool(rules) {
    var total = 0;
    var add = function (prizes) {
      (prizes || []).forEach(function (p) { total += p.amount_cents; });
    };
    add(rules.prizes);
    (rules.tracks || []).forEach(function (t) { add(t.prizes); });
    return total;
  }

  function readEntries(list, what) {
    if (!Array.isArray(list)) {
      throw new Error('score sheet: ' + what);
    }
    return list.map(function (e) {
      if (typeof e.entry_id !== 'string' || !Array.isArray(e.sheets)) {
        throw new Error('score sheet: ' + what);
      }
      return {
        id: e.entry_id,
        firstSubmittedAt: e.first_submitted_at,
        track: typeof e.track === 'string' ? e.track : null,
        sheets: e.sheets.map(function (s) { return s.scores; })
      };
    });
  }

  // What a score sheet computes to (src/domain/scoresheet.rs, `compute`): advancement from
  // each earlier round, the ranking (with each entry's track and the round it reached when the
  // rules have them) and the payouts (with their track when the rules have tracks).
  function compute(sheet) {
    var rules = sheet.rules;
    if (!rules || !Array.isArray(rules.criteria) || !(Array.isArray(rules.prizes) || Array.isArray(rules.tracks))) {
      throw new Error('score sheet');
    }
    var withTracks = Array.isArray(rules.tracks);
    var withRounds = Array.isArray(rules.rounds);
    var entries = readEntries(sheet.entries, 'entries');
    var rounds = (rules.rounds || []).map(function (round, i) {
      var listed = (sheet.rounds || [])[i];
      if (!listed || listed.key !== round.key) {
        throw new Error('the score sheet has no sheets of the round ' + round.key);
      }
      return { key: round.key, entrants: readEntries(listed.entrants, 'entrants') };
    });
    var advanced = (rules.rounds || []).map(function (round, i) {
      return advance(rules, round, rounds[i].entrants);
    });
    // As the server: the entries at the award were in the first round, and each round's
    // entrants advanced from the one before.
    var ids = function (list) {
      var set = {};
      list.forEach(function (e) { set[e.id] = true; });
      return set;
    };
    if (rounds.length > 0) {
      var first = ids(rounds[0].entrants);
      entries.forEach(function (e) {
        if (!first[e.id]) {
          throw new Error('the entry ' + e.id + ' was not in the round ' + rounds[0].key);
        }
      });
      for (var i = 1; i < rounds.length; i++) {
        var from = ids(advanced[i - 1]);
        rounds[i].entrants.forEach(function (e) {
          if (!from[e.id]) {
            throw new Error('the entry ' + e.id + ' is in the round ' + rounds[i].key + ' without advancing');
          }
        });
      }
    }
    var keys = (rules.rounds || []).map(function (r) { return r.key; }).concat(['final']);
    var ranking = finalRanking(rules, rounds, entries, advanced);
    return {
      ranking: ranking.map(function (r) {
        var row = { id: r.id, rank: r.rank, score: r.score ? Math.round(r.score.sum / r.score.count / MICRO * 1000) / 1000 : null };
        if (withTracks) {
          row.track = r.track;
        }
        if (withRounds) {
          row.round = keys[r.round];
        }
        return row;
      }),
      payouts: allocateAll(rules, ranking),
      advanced: advanced,
      pool: pool(rules)
    };
  }

  // ---- What this page shows --------------------------------------------------------------

  function shownRanking() {
    return Array.prototype.map.call(document.querySelectorAll('#ranking tbody tr'), function (tr) {
      var score = tr.getAttribute('data-score');
      var row = {
        id: tr.getAttribute('data-entry'),
        rank: Number(tr.getAttribute('data-rank')),
        score: score === '' || score === null ? null : Number(score)
      };
      // Contests with tracks or rounds show each entry's track and the round it reached.
      if (tr.hasAttribute('data-track')) {
        row.track = tr.getAttribute('data-track') || null;
      }
      if (tr.hasAttribute('data-round')) {
        row.round = tr.getAttribute('data-round');
      }
      return row;
    });
  }

  function shownPayouts() {
    return Array.prototype.map.call(document.querySelectorAll('#payouts tbody tr'), function (tr) {
      var row = {
        entry: tr.getAttribute('data-entry') || null,
        cents: Number(tr.getAttribute('data-cents')),
        reason: tr.getAttribute('data-reason')
      };
      if (tr.hasAttribute('data-track')) {
        row.track = tr.getAttribute('data-track') || null;
      }
      return row;
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function fetchText(url) {
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ': ' + response.status);
      }
      return response.text();
    });
  }

  function start(section) {
    var button = document.getElementById('check-run');
    var list = document.getElementById('check-list');
    var status = document.getElementById('check-status');
    var text = function (key) { return section.getAttribute('data-t-' + key) || key; };

    function item(ok, key, computed) {
      var li = document.createElement('li');
      li.className = ok ? 'ok' : 'todo';
      li.setAttribute('data-check', key);
      li.setAttribute('data-ok', ok ? 'true' : 'false');
      // The checklist's style draws the ✓ or the ✗ (assets/concours.css).
      li.appendChild(document.createTextNode(text('check-' + key.replace(/_/g, '-'))));
      if (computed) {
        var detail = document.createElement('code');
        detail.className = 'hash';
        detail.textContent = computed;
        li.appendChild(document.createTextNode(' — ' + text('check-computed').replace('{value}', '')));
        li.appendChild(detail);
      }
      list.appendChild(li);
      return ok;
    }

    function run() {
      button.disabled = true;
      list.textContent = '';
      status.textContent = text('check-running');
      var shownHash = (document.getElementById('scoresheet-hash').textContent || '').trim();
      var rulesHash = section.getAttribute('data-rules-hash');
      Promise.all([fetchText(section.getAttribute('data-scoresheet')), fetchText(section.getAttribute('data-rules'))])
        .then(function (texts) {
          var sheetText = texts[0];
          var rulesText = texts[1];
          return Promise.all([sha256(sheetText), sha256(rulesText)]).then(function (hashes) {
            var sheet = JSON.parse(sheetText);
            var document_ = JSON.parse(rulesText);
            var computed = compute(sheet);
            var pool = computed.pool;
            var paid = computed.payouts.reduce(function (x, p) { return x + p.cents; }, 0);
            var shownPool = Number(document.querySelector('[data-pool-cents]').getAttribute('data-pool-cents'));
            var results = [
              item(hashes[0] === shownHash, 'sheet_hash', hashes[0]),
              item(canonical(sheet) === sheetText, 'canonical'),
              item(hashes[1] === rulesHash && sheet.rules_hash === rulesHash, 'rules_hash', hashes[1]),
              item(canonical(document_.rules) === canonical(sheet.rules), 'rules_same'),
              item(same(computed.ranking, shownRanking()), 'ranking'),
              item(same(computed.payouts, shownPayouts()), 'payouts'),
              item(paid === pool && pool === shownPool, 'pool')
            ];
            var ok = results.every(Boolean);
            section.setAttribute('data-checked', ok ? 'ok' : 'wrong');
            status.textContent = text(ok ? 'check-all-ok' : 'check-some-wrong');
          });
        })
        .catch(function (error) {
          section.setAttribute('data-checked', 'failed');
          status.textContent = text('check-failed').replace('{error}', error && error.message ? error.message : String(error));
        })
        .then(function () {
          button.disabled = false;
        });
    }

    button.hidden = false;
    button.addEventListener('click', run);
  }

  // For the browser tests: the pieces, to compare with the server's figures.
  window.concoursCheck = { sha256: sha256, sha256Fallback: sha256Fallback, canonical: canonical, compute: compute };

  function ready() {
    var section = document.getElementById('check');
    if (section && window.fetch && window.TextEncoder && typeof BigInt === 'function') {
      start(section);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', ready);
  } else {
    ready();
  }
})();
