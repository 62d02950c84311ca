/* Kernel-free self-checks for the exercises of the web book.
 *
 * nblib.exercises puts a form into the output of each unanswered numeric or
 * multiple-choice exercise when the book is built: an input (or radio
 * buttons), a Check button, a verdict region, and a JSON block with the
 * check's data (expected value, tolerances, digits needed, data hints, general
 * hint, praise, choices) and the very message templates Python uses. This file
 * applies the same rules as nblib/exercises to what the reader types, in the
 * same order: blank, wrong kind, wrong shape, NaN or infinity, a fractional
 * count, right, rounded (or rounded and also a listed mistake), swapped pair,
 * data hints (matched like the right answer: within the tolerances, or equal
 * to the digits given), a percentage given for a fraction, general hint. A
 * function exercise with a proxy question is checked as a number. No
 * libraries and no network.
 *
 * tests/test_exercises.py runs decide() under node and compares each
 * verdict and message with the Python check's.
 */
(function () {
  "use strict";

  function fill(template, fields) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(fields, key) ? String(fields[key]) : whole;
    });
  }

  // --- Reading what the reader typed, as in nblib/exercises/_typed.py ----
  //
  // Numbers as people write them: 0.25, 1e5, 2,410 (thousands separators: a
  // comma inside a whole number written in groups of three, followed without a
  // space by exactly three digits), 27/269, 10**5, 10^5, 10⁵, 1.5 × 10^5,
  // 1.5 x 10^5 and 10% (read as 10/100, with a note). Lists: "1, 2" or "[1, 2]".

  var SPACES = " \t\n\r\f\v\u00a0\u2009\u202f";
  var WS = "[" + SPACES + "]";
  var PLAIN = "(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\\.[0-9]*)?|[0-9]+\\.?[0-9]*|\\.[0-9]+)";
  var NUMBER = new RegExp("^([+-]?)(" + PLAIN + ")([eE][+-]?[0-9]+)?$");
  var PERCENT = new RegExp("^([+-]?)(" + PLAIN + ")" + WS + "*%$");
  var FRACTION = new RegExp("^([+-]?)(" + PLAIN + ")" + WS + "*/" + WS + "*(" + PLAIN + ")$");
  var POWER = new RegExp("^([+-]?)(?:(" + PLAIN + ")" + WS + "*[×xX*·⋅]" + WS + "*)?10" + WS +
                         "*(?:(?:\\^|\\*\\*)" + WS + "*([+-]?[0-9]+)|([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))$");
  var GROUPED = new RegExp("^" + WS + "*[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})*$");
  var NEXT_GROUP = /^[0-9]{3}(?:[^0-9]|$)/;
  var SUPERSCRIPT = {"⁺": "+", "⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4",
                     "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"};
  var SPECIAL = {
    "nan": NaN, "+nan": NaN, "-nan": NaN, "np.nan": NaN,
    "inf": Infinity, "+inf": Infinity, "infinity": Infinity, "+infinity": Infinity, "np.inf": Infinity,
    "-inf": -Infinity, "-infinity": -Infinity, "-np.inf": -Infinity
  };

  function strip(text) {
    var a = 0, b = text.length;
    while (a < b && SPACES.indexOf(text[a]) >= 0) a += 1;
    while (b > a && SPACES.indexOf(text[b - 1]) >= 0) b -= 1;
    return text.slice(a, b);
  }

  function noCommas(text) {
    return text.split(",").join("");
  }

  // Number(literal), or {huge: text} if it is beyond any float.
  function numberOf(text, literal) {
    var value = Number(literal);
    return isFinite(value) ? value : {huge: text};
  }

  // One entry: a number, null, {huge: text}, or the text itself.
  function atom(p, text) {
    var match = NUMBER.exec(text);
    if (match) return numberOf(text, match[1] + noCommas(match[2]) + (match[3] || ""));
    match = PERCENT.exec(text);
    if (match) {
      p.percents.push(text);
      return numberOf(text, match[1] + noCommas(match[2]) + "e-2");
    }
    match = FRACTION.exec(text);
    if (match) {
      var top = Number(match[1] + noCommas(match[2])), bottom = Number(noCommas(match[3]));
      if (bottom === 0) return text;
      if (!isFinite(top) || !isFinite(bottom) || !isFinite(top / bottom)) return {huge: text};
      return top / bottom;
    }
    match = POWER.exec(text);
    if (match) {
      var exponent = match[3] !== undefined ? match[3]
        : match[4].split("").map(function (c) { return SUPERSCRIPT[c]; }).join("");
      return numberOf(text, match[1] + noCommas(match[2] || "1") + "e" + exponent);
    }
    var lower = text.toLowerCase();
    if (Object.prototype.hasOwnProperty.call(SPECIAL, lower)) return SPECIAL[lower];
    if (text === "None" || text === "null") return null;
    return text;
  }

  // A sequence of items separated by commas, up to `closer` (or the end when
  // closer is null). Returns {items, comma}: comma is true if a comma was seen.
  function sequence(p, closer) {
    var items = [], comma = false;
    for (;;) {
      skip(p);
      if (atEnd(p, closer)) return {items: items, comma: comma};
      items.push(item(p));
      skip(p);
      if (p.s[p.i] === ",") { p.i += 1; comma = true; continue; }
      if (atEnd(p, closer)) return {items: items, comma: comma};
      throw new Error("unexpected character");
    }
  }

  function atEnd(p, closer) {
    return closer === null ? p.i >= p.s.length : p.s[p.i] === closer;
  }

  function skip(p) {
    while (p.i < p.s.length && SPACES.indexOf(p.s[p.i]) >= 0) p.i += 1;
  }

  function item(p) {
    var c = p.s[p.i];
    if (c === "[" || c === "(") {
      var closer = c === "[" ? "]" : ")";
      p.i += 1;
      var inner = sequence(p, closer);
      if (p.s[p.i] !== closer) throw new Error("unclosed bracket");
      p.i += 1;
      // In Python (x) is x itself; [x] and (x,) are lists.
      return c === "(" && inner.items.length === 1 && !inner.comma ? inner.items[0] : inner.items;
    }
    var start = p.i;
    for (;;) {
      while (p.i < p.s.length && ",[]()".indexOf(p.s[p.i]) < 0) p.i += 1;
      if (p.s[p.i] === "," && GROUPED.test(p.s.slice(start, p.i)) && NEXT_GROUP.test(p.s.slice(p.i + 1, p.i + 5))) {
        p.i += 1;  // a thousands separator: the number goes on
        continue;
      }
      break;
    }
    return atom(p, strip(p.s.slice(start, p.i)));
  }

  /* What the reader typed: null for a blank, else {value, percents}. The
   * value is what Python reads (see _typed.py): "0.25" a number, "1, 2" or
   * "[1, 2]" a list, "nan" and "inf" what float() makes of them, "None" null,
   * a number beyond any float {huge: text}, and anything else the text itself. */
  function parseTyped(text) {
    if (text === null || text === undefined) return null;
    var trimmed = strip(String(text).split("\u2212").join("-"));
    if (trimmed === "") return null;
    var p = {s: trimmed, i: 0, percents: []};
    try {
      var top = sequence(p, null);
      return {value: top.items.length === 1 && !top.comma ? top.items[0] : top.items, percents: p.percents};
    } catch (error) {
      return {value: trimmed, percents: []};
    }
  }

  /* The value alone (null for a blank). */
  function parseAnswer(text) {
    var typed = parseTyped(text);
    return typed === null ? null : typed.value;
  }

  // --- Words, as in nblib/exercises/_messages.py --------------------------

  function shorten(text, m) {
    var n = m.text_shown;
    return text.length <= n ? text : text.slice(0, n - 3) + "...";
  }

  function shapeWords(shape, m) {
    if (shape.length === 0) return m.want_number;
    if (shape.length === 1) return fill(m.want_list, {n: shape[0]});
    return fill(m.want_array, {shape: "(" + shape.join(", ") + ")"});
  }

  function choicesWords(choices) {
    var quoted = choices.map(function (c) { return "\"" + c + "\""; });
    if (quoted.length === 1) return quoted[0];
    return quoted.slice(0, -1).join(", ") + " or " + quoted[quoted.length - 1];
  }

  // --- Numbers, as in nblib/exercises/_reading.py and _digits.py ---------

  function walk(value, path, m) {
    if (typeof value === "number") return value;
    if (Array.isArray(value)) {
      return value.map(function (x, k) { return walk(x, path + "[" + k + "]", m); });
    }
    if (value !== null && typeof value === "object" && value.huge !== undefined) throw {huge: value.huge};
    var got = value === null ? m.got_none : fill(m.got_text, {text: shorten(String(value), m)});
    throw {path: path, got: got};
  }

  function shapeOf(value) {
    if (!Array.isArray(value)) return [];
    if (value.length === 0) return [0];
    var shapes = value.map(shapeOf);
    var first = shapes[0];
    for (var k = 0; k < shapes.length; k += 1) {
      if (shapes[k] === null || shapes[k].join(",") !== first.join(",")) return null;
    }
    return [value.length].concat(first);
  }

  function flatten(value) {
    return Array.isArray(value) ? [].concat.apply([], value.map(flatten)) : [value];
  }

  // {values} (a flat array) or {problem} (a message), as read_numbers in Python;
  // typed: the value was typed (NaN and infinity are then named as typed).
  function readNumbers(value, shape, m, typed) {
    var want = shapeWords(shape, m);
    var numbers;
    try {
      numbers = walk(value, "", m);
    } catch (error) {
      if (error && error.huge !== undefined) return {problem: fill(m.typed_huge, {text: error.huge})};
      if (!error || error.got === undefined) throw error;
      var key = error.path ? m.entry : m.kind;
      return {problem: fill(key, {want: want, got: error.got, path: error.path})};
    }
    var got = shapeOf(numbers);
    if (got === null) return {problem: fill(m.ragged, {want: want})};
    if (got.join(",") !== shape.join(",")) return {problem: fill(m.shape, {want: want, got: shapeWords(got, m)})};
    var values = flatten(numbers);
    if (values.some(function (x) { return isNaN(x); })) return {problem: typed ? m.typed_nan : m.nan};
    if (values.some(function (x) { return !isFinite(x); })) return {problem: typed ? m.typed_inf : m.inf};
    return {values: values};
  }

  function close(a, e, rtol, atol) {
    return Math.abs(a - e) <= atol + rtol * Math.abs(e);
  }

  // [significant digits, power of ten of the leading digit] of x's shortest form.
  function significant(x) {
    var text = String(Math.abs(x));
    var parts = text.split("e");
    var halves = parts[0].split(".");
    var whole = halves[0], fraction = halves.length > 1 ? halves[1] : "";
    var digits = whole + fraction;
    var stripped = digits.replace(/^0+/, "");
    if (stripped === "") return [0, 0];
    var lead = whole.length - (digits.length - stripped.length) - 1 + (parts.length > 1 ? parseInt(parts[1], 10) : 0);
    return [stripped.replace(/0+$/, "").length, lead];
  }

  function unit(power) {
    return power >= 0 ? Math.pow(10, power) : 1 / Math.pow(10, -power);
  }

  // a is v rounded to the digits a gives (as agrees() in _digits.py).
  function agrees(a, v, slack) {
    var s = significant(a);
    if (s[0] === 0) return false;
    return Math.abs(a - v) <= 0.5 * unit(s[1] - s[0] + 1) * slack;
  }

  function agreesToDigitsGiven(a, e, needed, slack) {
    return significant(a)[0] < needed && agrees(a, e, slack);
  }

  // Each entry of a is close to, or agrees with, the entry of target (null: any
  // value); agreeing counts for an entry of min(2, needed) digits or more.
  function matches(a, target, rtol, atol, slack, needed) {
    var fewest = Math.min(2, needed);
    return target.every(function (v, k) {
      return v === null || close(a[k], v, rtol, atol) || (significant(a[k])[0] >= fewest && agrees(a[k], v, slack));
    });
  }

  // The message of the first data hint a matches, or null.
  function hintFor(spec, a) {
    for (var h = 0; h < spec.hints.length; h += 1) {
      if (matches(a, flatten(spec.hints[h][0]), spec.rtol, spec.atol, spec.slack, spec.digits)) return spec.hints[h][1];
    }
    return null;
  }

  // a is 100 times an expected fraction (each entry in [-1, 1], not all 0).
  function percentage(spec, a, e) {
    if (!e.every(function (x) { return Math.abs(x) <= 1; }) || e.every(function (x) { return x === 0; })) return false;
    return matches(a, e.map(function (x) { return 100 * x; }), spec.rtol, 100 * spec.atol, spec.slack, spec.digits);
  }

  function decideNumber(spec, value, typed) {
    var m = spec.messages;
    var read = readNumbers(value, spec.shape, m, typed);
    if (read.problem !== undefined) return {correct: false, message: read.problem};
    var a = read.values, e = flatten(spec.expected);
    if (spec.integer && !a.every(function (x) { return Number.isInteger(x); })) {
      return {correct: false, message: hintFor(spec, a) || m.whole};
    }
    var ok = a.map(function (x, k) { return close(x, e[k], spec.rtol, spec.atol); });
    if (ok.every(Boolean)) return {correct: true, message: spec.praise};
    var hint = hintFor(spec, a);
    var near = a.map(function (x, k) { return ok[k] || agreesToDigitsGiven(x, e[k], spec.digits, spec.slack); });
    if (near.every(Boolean)) {
      return {correct: false, message: fill(hint !== null ? m.rounded_both : m.rounded, {digits: spec.digits})};
    }
    if (spec.shape.length === 1 && spec.shape[0] === 2 && close(a[1], e[0], spec.rtol, spec.atol) &&
        close(a[0], e[1], spec.rtol, spec.atol) && !close(e[0], e[1], spec.rtol, spec.atol)) {
      return {correct: false, message: m.swapped};
    }
    if (hint !== null) return {correct: false, message: hint};
    if (percentage(spec, a, e)) return {correct: false, message: m.percent};
    return {correct: false, message: spec.hint || spec.wrong};
  }

  // --- Choices, as in nblib/exercises/_choice.py --------------------------

  function normal(text) {
    return text.trim().split(/\s+/).join(" ").toLowerCase();
  }

  function decideChoice(spec, value) {
    var m = spec.messages;
    if (typeof value !== "string") {
      return {correct: false, message: fill(m.not_text, {choices: choicesWords(spec.choices), got: m.got_none})};
    }
    var given = normal(value);
    if (given === normal(spec.correct)) return {correct: true, message: spec.praise};
    for (var k = 0; k < spec.choices.length; k += 1) {
      var choice = spec.choices[k];
      if (given === normal(choice)) {
        var why = Object.prototype.hasOwnProperty.call(spec.explanations, choice) ? spec.explanations[choice] : "";
        return {correct: false, message: why || spec.hint || spec.wrong};
      }
    }
    return {correct: false, message: fill(m.not_a_choice, {text: shorten(value, m), choices: choicesWords(spec.choices)})};
  }

  /* The verdict on a value (a number, a list, text, null: what Python code
   * would give the check; the chosen string for a choice; null when there is
   * none): {correct: true | false | null, message}. */
  function decide(spec, value) {
    if (value === null || value === undefined) return {correct: null, message: spec.messages.unanswered};
    return spec.kind === "choice" ? decideChoice(spec, value) : decideNumber(spec, value, false);
  }

  /* The verdict on what the reader typed or picked, as the Python check's on the same text. */
  function check(spec, answer) {
    if (spec.kind === "choice") return decide(spec, answer);
    var typed = parseTyped(answer);
    if (typed === null) return {correct: null, message: spec.messages.unanswered};
    var verdict = decideNumber(spec, typed.value, true);
    if (typed.percents.length) {
      var text = typed.percents[0];
      var note = fill(spec.messages.percent_note, {text: text, number: strip(text.slice(0, -1))});
      verdict.message = strip(note + " " + verdict.message);
    }
    return verdict;
  }

  // --- The page -------------------------------------------------------------

  var KINDS = {"true": "correct", "false": "wrong", "null": "unanswered"};

  function show(region, spec, verdict) {
    var kind = KINDS[String(verdict.correct)];
    region.className = "nblib-selfcheck-verdict nblib-feedback nblib-feedback-" + kind;
    region.textContent = "";
    var mark = document.createElement("strong");
    mark.textContent = spec.marks[kind];
    region.appendChild(mark);
    region.appendChild(document.createTextNode(verdict.message ? " " + verdict.message : ""));
  }

  function attach(form) {
    var spec = JSON.parse(form.querySelector(".nblib-selfcheck-spec").textContent);
    var region = form.querySelector(".nblib-selfcheck-verdict");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answer;
      if (spec.kind === "choice") {
        var picked = form.querySelector("input[type=radio]:checked");
        answer = picked ? picked.value : null;
      } else {
        answer = form.querySelector(".nblib-selfcheck-answer").value;
      }
      show(region, spec, check(spec, answer));
    });
    // Enter on a radio button checks too, as it does in the text field.
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.type === "radio") {
        event.preventDefault();
        form.querySelector(".nblib-selfcheck-button").click();
      }
    });
  }

  function attachAll() {
    document.querySelectorAll("form.nblib-selfcheck").forEach(attach);
  }

  var api = {parseAnswer: parseAnswer, parseTyped: parseTyped, decide: decide, check: check};
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    window.nblibSelfcheck = api;
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attachAll);
    else attachAll();
  }
})();
