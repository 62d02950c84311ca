/* Explorables in the web book: draw a frame over the background when a slider moves.
 *
 * Each <div class="explorable"> carries its frames as JSON (written by nblib/explorable/page.py):
 * a background picture, an optional foreground picture, and layers, one per artist that the
 * figure's update moves. A layer stores the fields that never change once ("const"), its distinct
 * states by column ("states": field -> one value per state) and, per frame, which state it is in
 * ("index"; null means frame i is state i, {"runs": [state, count, ...]} is run-length coded). Coordinates are integers of 1/quantum pixel
 * on the canvas (origin top left). No libraries, no network.
 */
(function () {
  "use strict";
  var FONT = '"nblib sans", "DejaVu Sans", "Bitstream Vera Sans", sans-serif';
  var CAPS = { projecting: "square", butt: "butt", round: "round" };
  var pictures = {};

  function picture(uri, ready) {
    if (!pictures[uri]) {
      var image = new Image();
      pictures[uri] = image;
      image.onload = ready;
      image.src = uri;
    }
    return pictures[uri];
  }

  /* Integers stored as base64 of little-endian int16 ("b16") or int32 ("b32"); the smallest
   * value of the type stands for null (a gap). */
  function decodeBinary(list) {
    var wide = "b32" in list, text = atob(wide ? list.b32 : list.b16), size = wide ? 4 : 2;
    var view = new DataView(new ArrayBuffer(text.length)), out = new Array(text.length / size);
    for (var i = 0; i < text.length; i++) view.setUint8(i, text.charCodeAt(i));
    for (var k = 0; k < out.length; k++) {
      var v = wide ? view.getInt32(size * k, true) : view.getInt16(size * k, true);
      out[k] = v === (wide ? -2147483648 : -32768) ? null : v;
    }
    return out;
  }

  /* A list of integers: plain, binary, or as arithmetic runs {"runs": [first, step, count, ...]}. */
  function expandInts(list) {
    if (list === null || list === undefined || Array.isArray(list)) return list;
    if ("b16" in list || "b32" in list) return decodeBinary(list);
    if (!list.runs) return list;
    var out = [], runs = expandInts(list.runs);
    for (var i = 0; i < runs.length; i += 3) for (var k = 0; k < runs[i + 2]; k++) out.push(runs[i] + k * runs[i + 1]);
    return out;
  }

  /* A column of a layer's states: integers (see expandInts), or lists of integers stored as one
   * flat list and their lengths (-1: the state has no value). */
  function expandColumn(column) {
    if (column && column.ragged) {
      var flat = expandInts(column.ragged), lengths = expandInts(column.lengths), out = [], at = 0;
      lengths.forEach(function (n) { out.push(n < 0 ? null : flat.slice(at, at + n)); at += Math.max(n, 0); });
      return out;
    }
    return expandInts(column);
  }

  /* A path stored as differences between neighbouring points, back to absolute coordinates. */
  function undelta(path) {
    var out = path.slice(), x = null, y = null;
    for (var i = 0; i + 1 < out.length; i += 2) {
      if (out[i] === null) { x = y = null; continue; }
      if (x !== null) { out[i] += x; out[i + 1] += y; }
      x = out[i]; y = out[i + 1];
    }
    return out;
  }

  function unpack(layer) {
    layer.index = expandInts(layer.index);
    for (var key in layer.states) layer.states[key] = expandColumn(layer.states[key]);
    if (layer.paths) layer.paths = layer.paths.map(function (path) { return undelta(expandInts(path)); });
  }

  function fillPattern(patterns, entry) {
    var numbers = String(entry).split("|"), pattern = patterns.length === 1 ? 0 : +numbers.shift();
    if (patterns.length === 1 && entry === "") numbers = [];
    var parts = patterns[pattern].split("\u0000"), text = parts[0];
    for (var i = 1; i < parts.length; i++) text += numbers[i - 1] + parts[i];
    return text;
  }

  /* A layer's state at a frame: its constant fields, then its state's fields, with slots,
   * shared paths and text patterns filled back in (see nblib/explorable/_pack.py). */
  function stateOf(layer, frame) {
    var row = layer.index ? layer.index[frame] : frame, state = {}, out = {}, key;
    for (key in layer.states) if (layer.states[key][row] !== null) state[key] = layer.states[key][row];
    for (key in layer.const) out[key] = layer.const[key];
    for (key in state) out[key] = state[key];
    for (key in layer.slots || {}) {
      if (!(key in state) || !state[key]) continue;
      var slot = layer.slots[key], full = slot.base.slice();
      slot.at.forEach(function (position, k) { full[position] = state[key][k]; });
      out[key] = full;
    }
    if (layer.paths && state.points_path !== undefined) {
      out.points = layer.paths[state.points_path].slice(0, 2 * state.points_length);
    }
    for (key in layer.patterns || {}) {
      var value = state[key], patterns = layer.patterns[key];
      if (value === undefined || value === null) continue;
      out[key] = Array.isArray(value) ? value.map(function (v) { return fillPattern(patterns, v); })
                                      : fillPattern(patterns, value);
    }
    return out;
  }

  function trace(ctx, flat, q, dx, dy, scale) {
    var pen = false;
    scale = scale || 1;
    for (var i = 0; i + 1 < flat.length; i += 2) {
      if (flat[i] === null || flat[i + 1] === null) { pen = false; continue; }
      var x = dx + scale * flat[i] / q, y = dy + scale * flat[i + 1] / q;
      if (pen) ctx.lineTo(x, y); else { ctx.moveTo(x, y); pen = true; }
    }
  }

  function stroke(ctx, color, width, dashes, cap, join) {
    if (!(width > 0) || !color) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dashes && dashes.length ? dashes.slice(0, -1) : []);
    ctx.lineDashOffset = dashes && dashes.length ? dashes[dashes.length - 1] : 0;
    ctx.lineCap = CAPS[cap] || "butt";
    ctx.lineJoin = join || "round";
    ctx.stroke();
  }

  function markers(ctx, outline, points, q, sized, face, edge, edgeWidth, i0) {
    var step = sized ? 3 : 2;
    for (var i = 0, n = 0; i + step - 1 < points.length; i += step, n++) {
      if (points[i] === null || points[i + 1] === null) continue;
      var scale = sized ? points[i + 2] / q / 100 : 1;     // a scatter's outline is stored 100 units wide
      ctx.beginPath();
      trace(ctx, outline, q, points[i] / q, points[i + 1] / q, scale);
      var f = typeof face === "function" ? face(n) : face;
      var e = typeof edge === "function" ? edge(n) : edge;
      var w = typeof edgeWidth === "function" ? edgeWidth(n) : edgeWidth;
      if (f) { ctx.fillStyle = f; ctx.fill(); }
      stroke(ctx, e, w, [], "butt", "miter");
    }
  }

  function pick(list, fallback) {
    return function (n) { return list && list.length ? list[n % list.length] : fallback; };
  }

  var draw = {
    line: function (ctx, s, q) {
      if (s.points && s.points.length) {
        ctx.beginPath();
        trace(ctx, s.points, q, 0, 0);
        stroke(ctx, s.color, s.width, s.dashes, s.cap, s.join);
      }
      if (s.marker && s.points) {
        markers(ctx, s.marker, s.points, q, false, s.marker_face, s.marker_edge, s.marker_edge_width);
      }
    },
    markers: function (ctx, s, q) {
      markers(ctx, s.marker, s.marker_points || [], q, true, pick(s.colors, null), pick(s.edges, null),
              pick(s.widths, 0));
    },
    segments: function (ctx, s, q) {
      var flat = s.points || [], piece = 0, start = 0;
      for (var i = 0; i <= flat.length; i += 2) {
        if (i === flat.length || flat[i] === null) {
          if (i > start) {
            ctx.beginPath();
            trace(ctx, flat.slice(start, i), q, 0, 0);
            stroke(ctx, pick(s.colors)(piece), pick(s.widths, 1)(piece), pick(s.dashes, [])(piece), s.cap, s.join);
          }
          piece++;
          start = i + 2;
        }
      }
    },
    shape: function (ctx, s, q) {
      ctx.beginPath();
      trace(ctx, s.outline || [], q, 0, 0);
      if (s.face && !/00$/.test(s.face)) { ctx.fillStyle = s.face; ctx.fill(); }
      stroke(ctx, s.edge, s.width, s.dashes, "butt", "miter");
    },
    text: function (ctx, s, q) {
      if (s.box_outline) draw.shape(ctx, { outline: s.box_outline, face: s.box_face, edge: s.box_edge,
                                           width: s.box_width, dashes: s.box_dashes }, q);
      ctx.fillStyle = s.color;
      ctx.font = (s.weight === "bold" ? "bold " : "") + s.size + "px " + FONT;
      ctx.textBaseline = "alphabetic";
      ctx.textAlign = "left";
      (s.strings || []).forEach(function (line, i) {
        if (!line) return;
        ctx.save();
        ctx.translate(s.xy[2 * i] / q, s.xy[2 * i + 1] / q);
        if (s.angle) ctx.rotate(-s.angle * Math.PI / 180);
        ctx.fillText(line, 0, 0);
        ctx.restore();
      });
    },
    image: function (ctx, s, q, redraw) {
      var image = picture(s.picture, redraw);
      if (!image.complete) return;
      ctx.globalAlpha = s.alpha === undefined ? 1 : s.alpha;
      ctx.drawImage(image, s.at[0] / q, s.at[1] / q);
      ctx.globalAlpha = 1;
    },
    sprite: function (ctx, s, q, redraw) { draw.image(ctx, s, q, redraw); },
    say: function () {}
  };

  /* One control per slider k: a range input, or a radio group of buttons for a choice. */
  function Control(root, k, spec, changed) {
    this.kind = spec.kind || "range";
    this.spec = spec;
    if (this.kind === "choice") {
      this.group = root.querySelector('.explorable-options[data-slider="' + k + '"]');
      this.buttons = Array.prototype.slice.call(this.group.querySelectorAll(".explorable-option"));
      this.index = spec.start;
      var self = this;
      this.buttons.forEach(function (button, i) {
        button.addEventListener("click", function () { self.set(i); changed(); });
        button.addEventListener("keydown", function (event) {
          var n = self.buttons.length, to = null;
          if (event.key === "ArrowRight" || event.key === "ArrowDown") to = (self.index + 1) % n;
          else if (event.key === "ArrowLeft" || event.key === "ArrowUp") to = (self.index + n - 1) % n;
          else if (event.key === "Home") to = 0;
          else if (event.key === "End") to = n - 1;
          if (to === null) return;
          event.preventDefault();
          self.set(to);
          self.buttons[to].focus();
          changed();
        });
      });
    } else {
      this.input = root.querySelector('input[type="range"][data-slider="' + k + '"]');
      this.output = this.input.parentNode.querySelector("output");
    }
  }

  Control.prototype.get = function () { return this.input ? +this.input.value : this.index; };
  Control.prototype.max = function () { return this.spec.readouts.length - 1; };

  Control.prototype.set = function (i) {
    if (this.input) { this.input.value = i; return; }
    this.index = i;
    this.buttons.forEach(function (button, b) {
      button.setAttribute("aria-checked", b === i ? "true" : "false");
      button.tabIndex = b === i ? 0 : -1;
    });
  };

  Control.prototype.show = function () {
    if (!this.input) return;
    var text = this.spec.readouts[this.get()];
    this.output.textContent = text;
    this.input.setAttribute("aria-valuetext", text);
  };

  function Explorable(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector(".explorable-data").textContent);
    this.data.layers.forEach(unpack);
    this.canvas = root.querySelector(".explorable-canvas");
    this.status = root.querySelector(".explorable-status");
    this.timer = null;
    this.announce = null;
    var self = this, data = this.data, redraw = function () { self.draw(); };
    this.controls = data.sliders.map(function (spec, k) {
      return new Control(root, k, spec, function () { self.draw(); self.say(); });
    });
    this.inputs = this.controls.map(function (c) { return c.input || null; });
    [data.background, data.foreground].forEach(function (spec) {   // decode every picture once, up front
      if (!spec) return;
      (typeof spec === "string" ? [spec] : spec.pictures).forEach(function (uri) { if (uri) picture(uri, redraw); });
    });
    data.layers.forEach(function (layer) {
      if (layer.kind === "image" || layer.kind === "sprite") {
        (layer.states.picture || []).concat([layer.const.picture]).forEach(function (uri) {
          if (uri) picture(uri, redraw);
        });
      }
    });
    this.controls.forEach(function (control, k) {
      if (!control.input) return;
      control.input.addEventListener("input", function () {
        if (self.timer && self.timer.auto && self.timer.slider === k) self.stop();   // the reader takes over
        self.draw(); self.say();
      });
      control.input.addEventListener("keydown", function (event) {
        if (event.key === " " && data.sliders[k].play) { event.preventDefault(); self.toggle(k); }
      });
    });
    root.querySelectorAll(".explorable-play").forEach(function (button) {
      button.addEventListener("click", function () { self.toggle(+button.dataset.slider); });
    });
    root.querySelectorAll(".explorable-speed select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (self.timer) { var k = self.timer.slider; self.stop(); self.play(k); }
      });
    });
    var ratio = window.devicePixelRatio || 1;
    this.ratio = ratio;
    this.canvas.width = Math.round(data.width * ratio);
    this.canvas.height = Math.round(data.height * ratio);
    /* The frame is drawn once on the (hidden) whole canvas, then copied into one canvas per panel. */
    this.box = root.querySelector(".explorable-panels");
    this.stage = root.querySelector(".explorable-stage");
    this.stage.addEventListener("scroll", function () { self.edges(); }, { passive: true });
    var alt = this.canvas.getAttribute("aria-label");
    this.panels = (data.panels || [{ x: 0, w: data.width, text: null }]).map(function (p, i) {
      var canvas = document.createElement("canvas");
      canvas.className = "explorable-panel";
      canvas.width = Math.round((p.x + p.w) * ratio) - Math.round(p.x * ratio);
      canvas.height = p.h === undefined ? self.canvas.height : Math.round((p.y + p.h) * ratio) - Math.round(p.y * ratio);
      if (i === 0) { canvas.setAttribute("role", "img"); canvas.setAttribute("aria-label", alt); }
      else canvas.setAttribute("aria-hidden", "true");
      canvas.dataset.text = p.text || "";
      self.box.appendChild(canvas);
      return { spec: p, canvas: canvas };
    });
    root.querySelector(".explorable-still").hidden = true;
    this.box.hidden = false;
    root.querySelector(".explorable-controls").hidden = false;
    this.layout();
    if (window.ResizeObserver) new ResizeObserver(function () { self.layout(); }).observe(root);
    else window.addEventListener("resize", function () { self.layout(); });
    this.draw();
    if (document.fonts && document.fonts.load) document.fonts.load("12px " + FONT).then(redraw, redraw);
  }

  /* Sizes the panels: side by side, as the figure, while its smallest text stays at least
   * data.min_text CSS pixels tall; otherwise each panel on its own at a readable size, so that
   * they wrap into a column (and a panel too wide even alone scrolls sideways). */
  Explorable.prototype.layout = function () {
    var data = this.data, least = data.min_text || 9, parent = this.root.parentNode;
    var room = (parent && parent.clientWidth) || data.width, width = Math.min(room, data.width);
    var smallest = Math.min.apply(null, this.panels.map(function (p) { return p.spec.text || Infinity; }));
    var whole = Math.min(1, width / data.width), stacked = !(smallest === Infinity || whole * smallest >= least - 0.01);
    this.root.classList.toggle("explorable-stacked", stacked);
    var end = 0;
    this.panels.forEach(function (p) {            // side by side, panels overlap where their parts interleave
      var scale = whole;
      if (stacked) scale = Math.max(Math.min(1, width / p.spec.w), p.spec.text ? 1.0005 * least / p.spec.text : 0);
      p.canvas.style.width = Math.ceil(p.spec.w * scale * 100) / 100 + "px";      // never under the text size
      p.canvas.style.height = Math.ceil((p.spec.h === undefined ? data.height : p.spec.h) * scale * 100) / 100 + "px";
      p.canvas.style.marginLeft = stacked ? "" : ((p.spec.x - end) * scale).toFixed(2) + "px";
      p.canvas.style.marginTop = stacked ? "" : ((p.spec.y || 0) * scale).toFixed(2) + "px";
      end = p.spec.x + p.spec.w;
      p.scale = scale;
    });
    /* A panel enlarged to keep its text readable may be wider than the figure: let it have the room. */
    var widest = Math.max.apply(null, this.panels.map(function (p) { return p.spec.w * p.scale; }));
    this.root.style.maxWidth = Math.ceil(Math.max(data.width, Math.min(widest, room))) + "px";
    this.edges();
  };

  /* A panel wider than the screen scrolls sideways: the stage fades at an edge with more beyond. */
  Explorable.prototype.edges = function () {
    var stage = this.stage, more = stage.scrollWidth - stage.clientWidth;
    stage.classList.toggle("explorable-more-left", more > 1 && stage.scrollLeft > 1);
    stage.classList.toggle("explorable-more-right", more > 1 && stage.scrollLeft < more - 1);
  };

  Explorable.prototype.frame = function () {
    var sizes = this.data.sliders.map(function (s) { return s.readouts.length; });
    return this.controls.reduce(function (flat, control, k) { return flat * sizes[k] + control.get(); }, 0);
  };

  /* The background (or foreground) picture: one, or one per value of the backdrop choices. */
  Explorable.prototype.backdrop = function (spec) {
    if (!spec) return null;
    if (typeof spec === "string") return picture(spec);
    var sizes = this.data.sliders.map(function (s) { return s.readouts.length; }), controls = this.controls;
    var flat = spec.controls.reduce(function (f, k) { return f * sizes[k] + controls[k].get(); }, 0);
    return picture(spec.pictures[spec.index[flat]]);
  };

  Explorable.prototype.draw = function () {
    var data = this.data, ctx = this.canvas.getContext("2d"), frame = this.frame(), self = this;
    var redraw = function () { self.draw(); };
    var back = this.backdrop(data.background), front = this.backdrop(data.foreground);
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.clearRect(0, 0, data.width, data.height);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, data.width, data.height);
    if (back && back.complete) ctx.drawImage(back, 0, 0, data.width, data.height);
    data.layers.forEach(function (layer) {
      var s = stateOf(layer, frame);
      if (!s.visible && layer.kind !== "say") return;
      ctx.save();
      if (s.clip) {
        ctx.beginPath();
        ctx.rect(s.clip[0] / data.quantum, s.clip[1] / data.quantum, s.clip[2] / data.quantum, s.clip[3] / data.quantum);
        ctx.clip();
      }
      draw[layer.kind](ctx, s, data.quantum, redraw);
      ctx.restore();
    });
    if (front && front.complete) ctx.drawImage(front, 0, 0, data.width, data.height);
    this.panels.forEach(function (p) {           // each panel: its parts of the frame, clear elsewhere
      var c = p.canvas, pctx = c.getContext("2d"), r = self.ratio, left = Math.round(p.spec.x * r);
      var top = Math.round((p.spec.y || 0) * r);
      pctx.clearRect(0, 0, c.width, c.height);
      (p.spec.parts || [[p.spec.x, p.spec.x + p.spec.w, 0, data.height]]).forEach(function (part) {
        var x0 = Math.round(part[0] * r), x1 = Math.round(part[1] * r), y0 = Math.round(part[2] * r);
        var y1 = Math.round(part[3] * r);
        if (x1 > x0 && y1 > y0) pctx.drawImage(self.canvas, x0, y0, x1 - x0, y1 - y0, x0 - left, y0 - top, x1 - x0, y1 - y0);
      });
    });
    this.controls.forEach(function (control) { control.show(); });
  };

  /* The sentence a screen reader hears: the slider values, then what the view's update said about
   * the frame or, when it says nothing, the texts the figure shows. */
  Explorable.prototype.describe = function () {
    var data = this.data, frame = this.frame(), controls = this.controls, parts = [];
    parts.push(data.sliders.map(function (s, k) { return s.label + " " + s.readouts[controls[k].get()]; }).join(", "));
    var said = data.layers.some(function (layer) { return layer.kind === "say"; });
    data.layers.forEach(function (layer) {      // the view's own sentence, else the texts it shows
      var s = stateOf(layer, frame);
      if (layer.kind === "text" && s.visible && !said) parts.push((s.strings || []).join(" "));
      if (layer.kind === "say" && s.text) parts.push(s.text);
    });
    return parts.filter(Boolean).join(". ");
  };

  Explorable.prototype.say = function () {
    var self = this;
    clearTimeout(this.announce);
    if (this.timer) return;                       // no chatter while playing
    this.announce = setTimeout(function () { self.status.textContent = self.describe(); }, 300);
  };

  Explorable.prototype.toggle = function (k) { if (this.timer) this.stop(); else this.play(k); };

  /* Steps a second of the speed chosen beside slider k (data.speeds names them). */
  Explorable.prototype.speed = function (k) {
    var select = this.root.querySelector('.explorable-speed select[data-slider="' + k + '"]');
    var fps = select ? +select.value : (this.data.speeds || {}).normal || 3;
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) fps = Math.min(fps, 2);
    return fps;
  };

  Explorable.prototype.play = function (k) {
    var control = this.controls[k], self = this, fps = this.speed(k);
    if (control.get() >= control.max()) { control.set(0); this.draw(); }   // show the start at once, not a tick later
    var button = this.root.querySelector('.explorable-play[data-slider="' + k + '"]');
    this.timer = { slider: k, id: setInterval(function () {
      if (control.get() >= control.max()) { self.stop(); return; }
      control.set(control.get() + 1);
      self.draw();
    }, 1000 / fps) };
    if (button) { button.textContent = "Pause"; button.setAttribute("aria-label", "Pause " + this.data.sliders[k].label); }
  };

  /* A slider with autoplay plays once from its start when the explorable first comes half into
   * view, unless the reader asks for reduced motion, or has already touched it; moving that
   * slider or pressing Pause stops it, and another control may change what it plays. */
  Explorable.prototype.autoplay = function () {
    var k = this.data.sliders.findIndex(function (spec) { return spec.autoplay; }), self = this;
    if (k < 0 || !window.IntersectionObserver) return;
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    var seen = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      seen.disconnect();
      if (self.timer || self.touched) return;
      self.controls[k].set(self.controls[k].max());            // play() starts over from the first value
      self.play(k);
      self.timer.auto = true;
    }, { threshold: 0.5 });
    seen.observe(this.stage);
    this.root.addEventListener("pointerdown", function () { self.touched = true; }, true);
    this.root.addEventListener("keydown", function () { self.touched = true; }, true);
  };

  Explorable.prototype.stop = function () {
    if (!this.timer) return;
    var k = this.timer.slider;
    clearInterval(this.timer.id);
    this.timer = null;
    var button = this.root.querySelector('.explorable-play[data-slider="' + k + '"]');
    if (button) { button.textContent = "Play"; button.setAttribute("aria-label", "Play " + this.data.sliders[k].label); }
    this.say();
  };

  /* Hooks for the book's tests and benchmark: set a frame, read the canvas, time frame switches. */
  window.nblibExplorables = {
    all: [],
    show: function (root, indices) {
      var e = root.nblibExplorable;
      e.touched = true;                           // a frame set from outside ends (and forestalls) autoplay
      if (e.timer) e.stop();
      indices.forEach(function (i, k) { e.controls[k].set(i); });
      e.draw();
      return e.describe();
    },
    time: function (root, n) {
      var e = root.nblibExplorable, total = e.data.sliders.reduce(function (p, s) { return p * s.readouts.length; }, 1);
      var times = [], seed = 12345;
      for (var i = 0; i < n; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        var flat = seed % total, indices = [];
        for (var k = e.data.sliders.length - 1; k >= 0; k--) {
          var size = e.data.sliders[k].readouts.length;
          indices[k] = flat % size;
          flat = Math.floor(flat / size);
        }
        var start = performance.now();
        indices.forEach(function (v, k) { e.controls[k].set(v); });
        e.draw();
        times.push(performance.now() - start);
      }
      return times;
    }
  };

  function init() {
    document.querySelectorAll(".explorable").forEach(function (root) {
      if (root.nblibExplorable || !root.querySelector(".explorable-data")) return;
      root.nblibExplorable = new Explorable(root);
      window.nblibExplorables.all.push(root);
      root.nblibExplorable.autoplay();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
