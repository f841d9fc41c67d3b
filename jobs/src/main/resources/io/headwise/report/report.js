(function () {
    'use strict';
    // Draws the report from the JSON blob #data. Every string from the data reaches the page
    // through textContent, setAttribute or canvas fillText, never as markup.
    const started = performance.now();
    const D = JSON.parse(document.getElementById('data').textContent);

    // ---- colour maps: piecewise-linear tables, sampled at equal steps ----
    // Viridis-like: dark blue to yellow, monotonically increasing lightness.
    const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142],
        [31, 158, 137], [53, 183, 121], [110, 206, 88], [253, 231, 37]];
    // Diverging cool-warm: blue (negative), light grey (zero), red (positive).
    const DIVERGING = [[59, 76, 192], [98, 130, 234], [141, 176, 254], [184, 208, 249], [221, 221, 221],
        [245, 196, 173], [244, 154, 123], [222, 96, 77], [180, 4, 38]];
    const CATEGORIES = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1',
        '#ff9da7', '#9c755f', '#8cd17d', '#499894', '#d37295'];

    function ramp(table, t) {
        if (!(t >= 0)) t = 0;
        if (t > 1) t = 1;
        const x = t * (table.length - 1);
        const i = Math.min(Math.floor(x), table.length - 2);
        const f = x - i;
        const a = table[i], b = table[i + 1];
        return [0, 1, 2].map(j => Math.round(a[j] + f * (b[j] - a[j])));
    }
    function rgb(c) { return 'rgb(' + c[0] + ',' + c[1] + ',' + c[2] + ')'; }
    const CMAPS = {
        viridis: t => ramp(VIRIDIS, t),
        diverging: t => ramp(DIVERGING, t)
    };
    function lightness(c) { return (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255; }

    // ---- small DOM helpers ----
    function el(tag, cls, text) {
        const e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined && text !== null) e.textContent = String(text);
        return e;
    }
    function add(parent, child) { parent.appendChild(child); return child; }
    function fmt(v) {
        if (v === null || v === undefined || !isFinite(v)) return '–';
        const a = Math.abs(v);
        if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
        if (Number.isInteger(v)) return String(v);
        return a >= 100 ? v.toFixed(1) : String(parseFloat(v.toPrecision(3)));
    }
    function int(v) { return Number(v).toLocaleString('en-US'); }
    // A measured number for a tile: 4 significant digits, trailing zeros kept (2.060, not 2).
    function sig4(v) {
        if (v === null || v === undefined || !isFinite(v)) return '–';
        const a = Math.abs(v);
        if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
        return v.toPrecision(4);
    }
    // Labels for the ticks of one scale: the fewest significant digits (at least 3) that tell
    // every two values apart, so that no two ticks read the same and none reads as its neighbour.
    function scaleLabels(values) {
        for (let p = 3; p <= 12; p++) {
            const labels = values.map(v => {
                if (!isFinite(v)) return '–';
                const a = Math.abs(v);
                if (v === 0) return '0';
                if (a < 1e-3 || a >= 1e5) return v.toExponential(p - 1);
                return String(parseFloat(v.toPrecision(p)));
            });
            if (new Set(labels).size === new Set(values).size) return labels;
        }
        return values.map(String);
    }
    // Draws a scale's labels and records [value, label] pairs on the canvas (data-scales) for the
    // browser test, which checks that each label reads as its value.
    function scaleText(ctx, values, at) {
        const labels = scaleLabels(values);
        values.forEach((v, i) => ctx.fillText(labels[i], ...at(v, i)));
        const c = ctx.canvas;
        const scales = c.dataset.scales ? JSON.parse(c.dataset.scales) : [];
        scales.push(values.map((v, i) => [v, labels[i]]));
        c.dataset.scales = JSON.stringify(scales);
    }
    // A token as text: blanks made visible.
    function tokText(s) {
        if (s === null || s === undefined) return '∅';
        const t = String(s).replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/\r/g, '␍');
        return t.length === 0 ? '∅' : t;
    }
    // A token as a chart label: also shortened.
    function tokLabel(s) {
        const t = tokText(s);
        return t.length > 14 ? t.slice(0, 13) + '…' : t;
    }
    function minMax(values) {
        let lo = Infinity, hi = -Infinity;
        for (const row of values) for (const v of row) {
            if (v !== null && v !== undefined && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        }
        if (lo === Infinity) { lo = 0; hi = 1; }
        if (lo === hi) hi = lo + 1;
        return [lo, hi];
    }

    const tip = add(document.body, el('div'));
    tip.id = 'tip';
    function showTip(text, x, y) {
        tip.textContent = text;
        tip.style.display = 'block';
        const w = tip.offsetWidth, h = tip.offsetHeight;
        tip.style.left = Math.min(x + 14, window.innerWidth - w - 4) + 'px';
        tip.style.top = Math.min(y + 14, window.innerHeight - h - 4) + 'px';
    }
    function hideTip() { tip.style.display = 'none'; }

    function canvas(width, height) {
        const c = document.createElement('canvas');
        const ratio = window.devicePixelRatio || 1;
        c.width = Math.ceil(width * ratio);
        c.height = Math.ceil(height * ratio);
        c.style.width = width + 'px';
        c.style.height = height + 'px';
        const ctx = c.getContext('2d');
        ctx.scale(ratio, ratio);
        ctx.font = '11px system-ui, sans-serif';
        return [c, ctx];
    }
    function figure(title, cls) {
        const f = el('figure', 'chart' + (cls ? ' ' + cls : ''));
        add(f, el('figcaption', null, title));
        return f;
    }

    // Vertical colour bar at (x, y) of height h with min/max ticks and a rotated title.
    function colourBar(ctx, x, y, h, cmap, lo, hi, title) {
        for (let i = 0; i < h; i++) {
            ctx.fillStyle = rgb(CMAPS[cmap](1 - i / (h - 1)));
            ctx.fillRect(x, y + i, 12, 1);
        }
        ctx.strokeStyle = '#888';
        ctx.strokeRect(x + 0.5, y + 0.5, 12, h - 1);
        ctx.fillStyle = '#333';
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        scaleText(ctx, [hi, (lo + hi) / 2, lo], (v, i) => [x + 16, [y + 5, y + h / 2, y + h - 5][i]]);
        if (title) {
            ctx.save();
            ctx.translate(x + 62, y + h / 2);
            ctx.rotate(Math.PI / 2);
            ctx.textAlign = 'center';
            ctx.fillText(title, 0, 0);
            ctx.restore();
        }
    }

    /**
     * A labelled heatmap. values[r][c] may be missing (ragged rows: causal attention), drawn as
     * the masked background. Returns a <figure class="chart ...">.
     */
    function heatmap(o) {
        const rows = o.rowLabels.length, cols = o.colLabels.length, cell = o.cell;
        const cmap = o.cmap || 'viridis';
        const [lo, hi] = o.range || minMax(o.values);
        const probe = document.createElement('canvas').getContext('2d');
        probe.font = '11px system-ui, sans-serif';
        const widest = labels => labels.reduce((m, s) => Math.max(m, probe.measureText(s).width), 0);
        const rowW = widest(o.rowLabels), colW = widest(o.colLabels);
        const rotate = colW > cell - 2;
        const left = 20 + rowW + 6, top = 6;
        const w = cols * cell, h = rows * cell;
        const colH = rotate ? colW + 6 : 14;
        const legend = o.legend !== false;
        const legendH = legend ? Math.max(60, Math.min(h, 160)) : 0;
        const width = left + w + (legend ? 96 : 12), height = top + Math.max(h, legendH) + colH + 20;
        const [c, ctx] = canvas(width, height);
        ctx.fillStyle = '#f1f2f4';
        ctx.fillRect(left, top, w, h);
        for (let r = 0; r < rows; r++) {
            const row = o.values[r] || [];
            for (let k = 0; k < cols; k++) {
                const v = row[k];
                if (v === null || v === undefined) continue;
                const colour = CMAPS[cmap]((v - lo) / (hi - lo));
                ctx.fillStyle = rgb(colour);
                ctx.fillRect(left + k * cell, top + r * cell, cell, cell);
                const text = o.showValues && cell >= 28 ? (o.valueText || fmt)(v) : '';
                if (text) {
                    ctx.fillStyle = lightness(colour) > 0.55 ? '#111' : '#fff';
                    ctx.textAlign = 'center';
                    ctx.textBaseline = 'middle';
                    ctx.fillText(text, left + k * cell + cell / 2, top + r * cell + cell / 2);
                }
            }
        }
        ctx.strokeStyle = '#999';
        ctx.strokeRect(left - 0.5, top - 0.5, w + 1, h + 1);
        ctx.fillStyle = '#333';
        ctx.textAlign = 'right';
        ctx.textBaseline = 'middle';
        o.rowLabels.forEach((s, r) => ctx.fillText(s, left - 4, top + r * cell + cell / 2));
        o.colLabels.forEach((s, k) => {
            const x = left + k * cell + cell / 2;
            if (rotate) {
                ctx.save();
                ctx.translate(x, top + h + 4);
                ctx.rotate(-Math.PI / 2);
                ctx.textAlign = 'right';
                ctx.fillText(s, 0, 0);
                ctx.restore();
            } else {
                ctx.textAlign = 'center';
                ctx.textBaseline = 'top';
                ctx.fillText(s, x, top + h + 3);
            }
        });
        ctx.font = '600 11px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'alphabetic';
        ctx.fillText(o.xTitle, left + w / 2, top + h + colH + 16);
        ctx.save();
        ctx.translate(12, top + h / 2);
        ctx.rotate(-Math.PI / 2);
        ctx.fillText(o.yTitle, 0, 0);
        ctx.restore();
        ctx.font = '11px system-ui, sans-serif';
        if (legend) colourBar(ctx, left + w + 14, top, legendH, cmap, lo, hi, o.legendTitle);
        c.addEventListener('mousemove', e => {
            const b = c.getBoundingClientRect();
            const k = Math.floor((e.clientX - b.left - left) / cell), r = Math.floor((e.clientY - b.top - top) / cell);
            const v = r >= 0 && r < rows && k >= 0 && k < cols && o.values[r] ? o.values[r][k] : undefined;
            if (v === undefined || v === null) { hideTip(); return; }
            showTip(o.tip ? o.tip(r, k, v) : o.rowLabels[r] + ' · ' + o.colLabels[k] + ': ' + fmt(v), e.clientX, e.clientY);
        });
        c.addEventListener('mouseleave', hideTip);
        const f = figure(o.title, o.cls);
        for (const [key, value] of Object.entries(o.dataset || {})) f.dataset[key] = String(value);
        add(f, c);
        return f;
    }

    function niceTicks(lo, hi, n) {
        const span = hi - lo || 1;
        const step0 = span / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
        const step = [1, 2, 5, 10].map(m => m * mag).find(s => span / s <= n) || 10 * mag;
        const ticks = [];
        for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) ticks.push(+t.toPrecision(12));
        return ticks;
    }

    /** Axes with ticks for scatter and line charts; returns the data → pixel mapping. */
    function axes(ctx, box, xr, yr, xTitle, yTitle) {
        const sx = v => box.x + (v - xr[0]) / (xr[1] - xr[0]) * box.w;
        const sy = v => box.y + box.h - (v - yr[0]) / (yr[1] - yr[0]) * box.h;
        ctx.strokeStyle = '#e3e6ea';
        ctx.fillStyle = '#444';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'top';
        const xTicks = niceTicks(xr[0], xr[1], 6), yTicks = niceTicks(yr[0], yr[1], 5);
        for (const t of xTicks) {
            ctx.beginPath(); ctx.moveTo(sx(t) + 0.5, box.y); ctx.lineTo(sx(t) + 0.5, box.y + box.h); ctx.stroke();
        }
        scaleText(ctx, xTicks, t => [sx(t), box.y + box.h + 4]);
        ctx.textAlign = 'right';
        ctx.textBaseline = 'middle';
        for (const t of yTicks) {
            ctx.beginPath(); ctx.moveTo(box.x, sy(t) + 0.5); ctx.lineTo(box.x + box.w, sy(t) + 0.5); ctx.stroke();
        }
        scaleText(ctx, yTicks, t => [box.x - 5, sy(t)]);
        ctx.strokeStyle = '#999';
        ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.w, box.h);
        ctx.font = '600 11px system-ui, sans-serif';
        ctx.fillStyle = '#333';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'alphabetic';
        ctx.fillText(xTitle, box.x + box.w / 2, box.y + box.h + 34);
        ctx.save();
        ctx.translate(14, box.y + box.h / 2);
        ctx.rotate(-Math.PI / 2);
        ctx.fillText(yTitle, 0, 0);
        ctx.restore();
        ctx.font = '11px system-ui, sans-serif';
        return [sx, sy];
    }
    // [min, max] without spreading a large array into arguments (50,257 GPT-2 tokens).
    function extent(values) {
        let lo = Infinity, hi = -Infinity;
        for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
        return lo === Infinity ? [0, 1] : [lo, hi];
    }
    function padded(lo, hi) { const p = (hi - lo) * 0.06 || 1; return [lo - p, hi + p]; }

    /** Points {x, y, label, colour}; labels drawn for every point when o.labelAll. */
    function scatter(o) {
        const width = o.width || 620, height = o.height || 440;
        const [c, ctx] = canvas(width, height);
        const box = {x: 64, y: 10, w: width - 80, h: height - 56};
        const xr = padded(...extent(o.points.map(p => p.x)));
        const yr = padded(...extent(o.points.map(p => p.y)));
        const [sx, sy] = axes(ctx, box, xr, yr, o.xTitle, o.yTitle);
        const radius = o.points.length > 2000 ? 1.6 : 4;
        for (const p of o.points) {
            ctx.fillStyle = p.colour;
            ctx.beginPath();
            ctx.arc(sx(p.x), sy(p.y), radius, 0, 2 * Math.PI);
            ctx.fill();
        }
        if (o.labelAll) {
            ctx.fillStyle = '#222';
            ctx.textAlign = 'left';
            ctx.textBaseline = 'middle';
            for (const p of o.points) ctx.fillText(p.label, sx(p.x) + radius + 2, sy(p.y));
        }
        c.addEventListener('mousemove', e => {
            const b = c.getBoundingClientRect();
            const mx = e.clientX - b.left, my = e.clientY - b.top;
            let best = null, bestD = 64;
            for (const p of o.points) {
                const d = (sx(p.x) - mx) ** 2 + (sy(p.y) - my) ** 2;
                if (d < bestD) { best = p; bestD = d; }
            }
            if (best) showTip(best.tip || best.label, e.clientX, e.clientY); else hideTip();
        });
        c.addEventListener('mouseleave', hideTip);
        const f = figure(o.title, o.cls);
        add(f, c);
        if (o.legend) {
            const sw = add(f, el('div', 'swatches'));
            for (const item of o.legend) {
                const s = add(sw, el('span'));
                add(s, el('span', 'swatch')).style.background = item.colour;
                add(s, document.createTextNode(item.label));
            }
        }
        return f;
    }

    /** Lines {name, colour, xs, ys} (ys may hold nulls: gaps). */
    function lineChart(o) {
        const width = o.width || 620, height = o.height || 320;
        const [c, ctx] = canvas(width, height);
        const box = {x: 64, y: 10, w: width - 80, h: height - 56};
        const xs = o.series.flatMap(s => s.xs), ys = o.series.flatMap(s => s.ys).filter(v => v !== null);
        const [x0, x1] = extent(xs);
        const [sx, sy] = axes(ctx, box, [x0, x1 > x0 ? x1 : x0 + 1], padded(...extent(ys)), o.xTitle, o.yTitle);
        for (const s of o.series) {
            ctx.strokeStyle = s.colour;
            ctx.lineWidth = 2;
            ctx.beginPath();
            let drawing = false;
            s.xs.forEach((x, i) => {
                const y = s.ys[i];
                if (y === null) { drawing = false; return; }
                if (drawing) ctx.lineTo(sx(x), sy(y)); else ctx.moveTo(sx(x), sy(y));
                drawing = true;
            });
            ctx.stroke();
        }
        ctx.lineWidth = 1;
        const f = figure(o.title, o.cls);
        add(f, c);
        const sw = add(f, el('div', 'swatches'));
        for (const s of o.series) {
            const item = add(sw, el('span'));
            add(item, el('span', 'swatch')).style.background = s.colour;
            add(item, document.createTextNode(s.name));
        }
        return f;
    }

    function table(headers, rows, numeric) {
        const t = el('table', 'data');
        const tr = add(add(t, el('thead')), el('tr'));
        headers.forEach(h => add(tr, el('th', null, h)));
        const body = add(t, el('tbody'));
        for (const row of rows) {
            const r = add(body, el('tr'));
            row.forEach((v, i) => {
                const td = add(r, el('td', numeric && numeric[i] ? 'num' : null));
                if (v instanceof Node) add(td, v); else td.textContent = v;
            });
        }
        return t;
    }
    function section(id, title, help) {
        const s = add(document.querySelector('main'), el('section', 'card'));
        s.id = id;
        add(s, el('h2', null, title));
        if (help) add(s, el('p', 'help', help));
        return s;
    }
    function notice(parent, before, command, after) {
        const p = add(parent, el('p', 'notice', before));
        add(p, el('code', null, command));
        if (after) add(p, document.createTextNode(after));
    }
    // Tiles [shown, label, value]; a measured value goes to data-value, for the browser test to
    // check what the tile shows against it.
    function facts(parent, items) {
        const box = add(parent, el('div', 'facts'));
        for (const [shown, label, value] of items) {
            const f = add(box, el('div', 'fact'));
            const b = add(f, el('b', null, shown));
            b.dataset.value = String(value === undefined ? shown : value);
            add(f, el('span', null, label));
        }
    }

    // ---- page ----
    const layers = D.model.n_layer, heads = D.model.n_head;
    const header = add(document.body, el('header', 'top'));
    add(header, el('h1', null, D.title));
    add(header, el('div', 'sub', 'Headwise report · model ' + D.model.directory
        + (D.corpus ? ' · tables ' + D.corpus.tables : '')));
    const nav = add(document.body, el('nav', 'toc'));
    add(document.body, el('main'));
    function navLink(id, text) { const a = add(nav, el('a', null, text)); a.setAttribute('href', '#' + id); }

    // Model summary
    navLink('model', 'Model');
    {
        const s = section('model', 'Model', 'GPT-2 architecture read from config.json; parameter counts per component (a tied LM head reuses wte and adds none).');
        const m = D.model;
        facts(s, [[m.n_layer, 'layers L'], [m.n_head, 'heads per layer H'], [m.n_embd, 'd_model C'],
            [m.d_head, 'd_head'], [m.d_mlp, 'd_mlp'], [int(m.vocab_size), 'vocabulary V'],
            [m.n_positions, 'context n_positions'], [int(m.total_parameters), 'parameters']]);
        add(s, table(['component', 'tensors', 'parameters', 'share'], m.components.map(c =>
            [c.name, c.shape, int(c.parameters), (100 * c.parameters / m.total_parameters).toFixed(1) + ' %']), [false, false, true, true]));
    }

    // One section per text
    const zoom = add(document.body, el('div'));
    zoom.id = 'zoom';
    const panel = add(zoom, el('div', 'panel'));
    const bar = add(panel, el('div', 'bar'));
    const zoomTitle = add(bar, el('h3'));
    zoomTitle.id = 'zoom-title';
    const close = add(bar, el('button', null, 'Close ✕'));
    const zoomBody = add(panel, el('div'));
    zoomBody.id = 'zoom-body';
    function closeZoom() { zoom.classList.remove('open'); zoomBody.replaceChildren(); }
    close.addEventListener('click', closeZoom);
    zoom.addEventListener('click', e => { if (e.target === zoom) closeZoom(); });
    document.addEventListener('keydown', e => { if (e.key === 'Escape') closeZoom(); });

    function patternChart(t, l, h, cell, cls, showValues, legend) {
        const labels = t.tokens.map(tokLabel);
        return heatmap({
            legend: legend,
            // A weight in two decimals without the leading zero (".83") fits a cell; ~0 stays blank.
            valueText: v => v < 0.005 ? '' : v >= 0.995 ? '1' : v.toFixed(2).slice(1),
            title: 'Layer ' + l + ' · Head ' + h, cls: cls, dataset: {layer: l, head: h},
            rowLabels: labels, colLabels: labels, values: t.patterns[l][h], cell: cell, range: [0, 1],
            xTitle: 'key position (attended to)', yTitle: 'query position', legendTitle: 'attention weight',
            showValues: showValues,
            tip: (q, k, v) => 'L' + l + 'H' + h + '  query ' + q + ' ' + tokLabel(t.tokens[q]) + '  →  key ' + k + ' '
                + tokLabel(t.tokens[k]) + '\nweight ' + fmt(v)
        });
    }
    function openZoom(ti, l, h) {
        const t = D.texts[ti];
        const cell = Math.max(10, Math.min(44, Math.floor(560 / t.tokens.length)));
        zoomBody.replaceChildren(patternChart(t, l, h, cell, 'zoomed', true, true));
        zoomTitle.textContent = 'Layer ' + l + ' · Head ' + h + ' — “' + t.text + '”';
        zoom.dataset.layer = String(l);
        zoom.dataset.head = String(h);
        zoom.classList.add('open');
    }

    function thumb(pattern, size) {
        const n = pattern.length;
        const [c, ctx] = canvas(size, size);
        ctx.fillStyle = '#f1f2f4';
        ctx.fillRect(0, 0, size, size);
        const cell = size / n;
        pattern.forEach((row, q) => row.forEach((v, k) => {
            ctx.fillStyle = rgb(CMAPS.viridis(v));
            ctx.fillRect(k * cell, q * cell, Math.ceil(cell), Math.ceil(cell));
        }));
        c.className = 'thumb';
        return c;
    }

    /** One horizontal viridis bar from 0 to 1 for a group of charts that share it. */
    function sharedLegend(title) {
        const legend = el('div', 'legend-inline');
        add(legend, el('b', null, title + ':'));
        add(legend, el('span', null, '0'));
        const [c, ctx] = canvas(160, 12);
        for (let x = 0; x < 160; x++) { ctx.fillStyle = rgb(CMAPS.viridis(x / 159)); ctx.fillRect(x, 0, 1, 12); }
        add(legend, c);
        add(legend, el('span', null, '1'));
        legend.style.margin = '0 0 8px';
        return legend;
    }

    function saliencyRow(parent, label, tokens, values, cmap, signed, what) {
        const row = add(parent, el('div', 'saliency-row'));
        add(row, el('div', 'label', label));
        const box = add(row, el('div', 'tokens'));
        const scale = extent(values.map(v => Math.abs(v || 0)))[1] || 1;
        tokens.forEach((tok, i) => {
            const v = values[i] || 0;
            const colour = CMAPS[cmap](signed ? (v / scale + 1) / 2 : v / scale);
            const span = add(box, el('span', 'tok', tok === '' ? '∅' : tok));
            span.style.background = rgb(colour);
            span.style.color = lightness(colour) > 0.55 ? '#111' : '#fff';
            span.setAttribute('title', 'position ' + i + ': ' + what + ' = ' + fmt(values[i]));
        });
        const legend = add(row, el('span', 'legend-inline'));
        const [c, ctx] = canvas(120, 12);
        for (let x = 0; x < 120; x++) { ctx.fillStyle = rgb(CMAPS[cmap](x / 119)); ctx.fillRect(x, 0, 1, 12); }
        add(legend, el('span', null, fmt(signed ? -scale : 0)));
        add(legend, c);
        add(legend, el('span', null, fmt(scale)));
    }

    D.texts.forEach((t, ti) => {
        const id = 'text-' + ti;
        navLink(id, 'Text ' + (ti + 1));
        const s = section(id, 'Text ' + (ti + 1) + ': “' + t.text + '”',
            'One forward and backward pass of this text (the same numbers as headwise inspect).');
        s.classList.add('text-view');
        facts(s, [[t.tokens.length, 'tokens T'], [sig4(t.mean_loss), 'mean loss (nats/token)', t.mean_loss],
            [tokLabel(t.next_token), 'predicted next token'], [sig4(t.next_token_prob), 'its probability', t.next_token_prob]]);
        const toks = add(s, el('div', 'tokens'));
        t.tokens.forEach((tok, i) => {
            const span = add(toks, el('span', 'tok', tok === '' ? '∅' : tok));
            span.setAttribute('title', 'position ' + i);
        });

        add(s, el('h3', null, 'Token saliency'));
        add(s, el('p', 'help', 'grad_norm = ‖∂L/∂e_t‖₂ (how strongly the loss reacts to each input embedding); grad_x_input = (∂L/∂e_t)·e_t, signed (blue lowers the loss when scaled up, red raises it). Hover a token for its value.'));
        if (t.grad_norm) {
            saliencyRow(s, 'grad_norm', t.tokens, t.grad_norm, 'viridis', false, 'grad_norm');
            saliencyRow(s, 'grad_x_input', t.tokens, t.grad_x_input, 'diverging', true, 'grad_x_input');
        } else {
            add(s, el('p', 'notice', 'No gradients were computed for this text.'));
        }

        add(s, el('h3', null, 'Residual stream norm by layer'));
        const labels = t.tokens.map(tokLabel);
        const charts = add(s, el('div', 'charts'));
        add(charts, heatmap({
            title: 'Residual norm ‖x‖₂ after each block', cls: 'resid',
            rowLabels: t.resid_norm.map((_, l) => 'block ' + l), colLabels: labels, values: t.resid_norm,
            cell: Math.max(14, Math.min(28, Math.floor(560 / t.tokens.length))), showValues: false,
            xTitle: 'token position', yTitle: 'layer', legendTitle: '‖residual‖₂',
            tip: (l, k, v) => 'after block ' + l + ', position ' + k + ' ' + tokLabel(t.tokens[k]) + ': ' + fmt(v)
        }));

        add(s, el('h3', null, 'All heads at a glance'));
        add(s, el('p', 'help', 'Every head of every layer (rows: layers, columns: heads). Click a head to open it large.'));
        add(s, sharedLegend('attention weight'));
        const grid = add(s, el('div', 'grid head-grid'));
        grid.style.gridTemplateColumns = '64px repeat(' + heads + ', auto)';
        add(grid, el('div', 'axis', 'layer ↓ head →'));
        for (let h = 0; h < heads; h++) add(grid, el('div', 'hdr', 'head ' + h));
        const size = heads > 8 ? 64 : 84;
        for (let l = 0; l < layers; l++) {
            add(grid, el('div', 'rowhdr', 'layer ' + l));
            for (let h = 0; h < heads; h++) {
                const c = add(grid, thumb(t.patterns[l][h], size));
                c.dataset.layer = String(l);
                c.dataset.head = String(h);
                c.setAttribute('title', 'Layer ' + l + ' · Head ' + h + ' (click to enlarge)');
                c.addEventListener('click', () => openZoom(ti, l, h));
            }
        }

        add(s, el('h3', null, 'Attention pattern of every head'));
        add(s, el('p', 'help', 'Rows are queries, columns the keys they attend to (causal: only keys ≤ query). Hover a cell for its weight.'));
        add(s, sharedLegend('attention weight'));
        const cell = Math.max(6, Math.min(16, Math.floor(208 / t.tokens.length)));
        for (let l = 0; l < layers; l++) {
            const row = add(s, el('div', 'layer-row'));
            for (let h = 0; h < heads; h++) add(row, patternChart(t, l, h, cell, 'attention', false, false));
        }

        add(s, el('h3', null, 'Most attended tokens per head'));
        add(s, el('p', 'help', 'Keys with the largest attention mass summed over queries 1..T−1, best first.'));
        const rows = [];
        for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) {
            rows.push([l, h, t.top_attended[l][h].map(k => tokText(t.tokens[k]) + ' @' + k).join('   ')]);
        }
        add(add(s, el('div', 'scroll')), table(['layer', 'head', 'top attended (token @position)'], rows, [true, true, false]));
    });

    // Corpus level
    function layerHeadValues(rows, value) {
        const grid = Array.from({length: layers}, () => Array(heads).fill(null));
        for (const r of rows) if (r.layer < layers && r.head < heads) grid[r.layer][r.head] = value(r);
        return grid;
    }
    // Statistics that are attention probabilities share the fixed scale 0..1.
    const PROBABILITIES = ['prev_token', 'first_token', 'self', 'max_weight', 'induction', 'duplicate'];
    function layerHeadChart(title, values, legend, cls) {
        const cell = heads > 8 ? 30 : 44;
        return heatmap({
            range: PROBABILITIES.includes(legend) ? [0, 1] : undefined,
            title: title, cls: 'summary' + (cls ? ' ' + cls : ''),
            rowLabels: values.map((_, l) => 'layer ' + l), colLabels: values[0].map((_, h) => 'head ' + h),
            values: values, cell: cell, xTitle: 'head', yTitle: 'layer', legendTitle: legend, showValues: true,
            tip: (l, h, v) => 'layer ' + l + ', head ' + h + ': ' + legend + ' = ' + fmt(v)
        });
    }
    const C = D.corpus;
    if (C) {
        navLink('corpus', 'Corpus');
        const s = section('corpus', 'Corpus: every head over the whole corpus',
            'From the tables of ' + C.tables + '. Per-sample statistics averaged weighted by n_queries; importance = mean |∂L/∂m| of the head gate.');
        add(s, el('h3', null, 'Head summary statistics (layer × head)'));
        if (C.summary) {
            const samples = C.summary.length ? C.summary[0].n_samples : 0;
            facts(s, [[int(samples), 'samples summarised'], [C.summary.length, 'heads']]);
            const charts = add(s, el('div', 'charts'));
            C.statistics.forEach((name, i) => {
                if (C.summary.every(r => r.values[i] === null)) return;
                add(charts, layerHeadChart(name, layerHeadValues(C.summary, r => r.values[i]), name));
            });
        } else {
            notice(s, 'head_summary not computed — run ', 'headwise summarize --tables ' + C.tables, '.');
        }
        add(s, el('h3', null, 'Synthetic probes (repeated random tokens)'));
        if (C.probes) {
            const p = C.probes[0] || {};
            add(s, el('p', 'help', 'Sequences [bos] + r + r with |r| = ' + p.half_length + ', ' + p.n_sequences
                + ' sequences: induction = attention to the token after the earlier copy, duplicate = to the earlier copy itself.'));
            const charts = add(s, el('div', 'charts'));
            for (const name of ['induction', 'duplicate', 'prev_token']) {
                add(charts, layerHeadChart('probe: ' + name, layerHeadValues(C.probes, r => r[name]), name, 'probe'));
            }
        } else {
            notice(s, 'head_probes not computed — run ', 'headwise probe --model MODEL_DIR --out ' + C.tables, '.');
        }
        add(s, el('h3', null, 'Head clusters'));
        if (C.head_map) {
            add(s, el('p', 'help', 'Heads placed by classical MDS of their Jensen–Shannon distances; colour = cluster (average linkage). Heads close together attend alike.'));
            const m = C.head_map;
            const clusterIds = [...new Set(m.clusters)].sort((a, b) => a - b);
            add(s, scatter({
                title: 'Heads by attention similarity (MDS of JS distance)', cls: 'clusters',
                xTitle: 'MDS dimension 1', yTitle: 'MDS dimension 2', labelAll: true, width: 640, height: 440,
                points: m.heads.map((lh, i) => ({
                    x: m.coordinates[i][0] || 0, y: m.coordinates[i][1] || 0, label: 'L' + lh[0] + 'H' + lh[1],
                    colour: CATEGORIES[m.clusters[i] % CATEGORIES.length],
                    tip: 'layer ' + lh[0] + ', head ' + lh[1] + ' — cluster ' + m.clusters[i]
                })),
                legend: clusterIds.map(k => ({label: 'cluster ' + k, colour: CATEGORIES[k % CATEGORIES.length]}))
            }));
        } else {
            notice(s, 'head_distances not computed — run ', 'headwise summarize --tables ' + C.tables, '.');
        }
        add(s, el('h3', null, 'Top tokens per head'));
        if (C.summary) {
            add(s, el('p', 'help', 'The keys’ tokens receiving the largest share of each head’s attention over the corpus.'));
            const rows = C.summary.map(r => {
                const cellBox = el('span');
                r.top_tokens.forEach((tt, i) => {
                    const tok = add(cellBox, el('span', null, tokText(tt.token)));
                    tok.style.fontFamily = 'ui-monospace, monospace';
                    add(cellBox, document.createTextNode(' ' + (100 * tt.weight).toFixed(1) + '%' + (i + 1 < r.top_tokens.length ? '   ' : '')));
                });
                return [r.layer, r.head, r.cluster === null ? '–' : r.cluster, cellBox];
            });
            add(add(s, el('div', 'scroll')), table(['layer', 'head', 'cluster', 'top tokens (share of attention)'], rows, [true, true, true, false]));
        } else {
            notice(s, 'top_tokens not computed — run ', 'headwise summarize --tables ' + C.tables, '.');
        }
    }

    // Token embeddings
    if (D.embedding) {
        navLink('embedding', 'Embeddings');
        const e = D.embedding;
        const s = section('embedding', 'Token embeddings', 'Rows of wte projected on their first two principal components'
            + (e.labels.length <= 300 ? '; every token labelled.' : '; hover a point for its token.'));
        add(s, scatter({
            title: 'Token embeddings wte, PCA to 2-D (' + int(e.labels.length) + ' tokens)', cls: 'embedding',
            xTitle: 'PC 1 (' + (100 * e.explained[0]).toFixed(1) + '% of variance)',
            yTitle: 'PC 2 (' + (100 * e.explained[1]).toFixed(1) + '% of variance)',
            labelAll: e.labels.length <= 300, width: 680, height: 480,
            points: e.labels.map((label, i) => ({
                x: e.coordinates[i][0] || 0, y: e.coordinates[i][1] || 0, label: tokLabel(label),
                colour: 'rgba(42,111,151,0.75)', tip: 'id ' + i + ': ' + tokLabel(label)
            }))
        }));
    }

    // Training curve
    if (D.corpus || D.curve) {
        navLink('training', 'Training');
        const s = section('training', 'Training curve', null);
        if (D.curve && D.curve.step.length) {
            const series = [{name: 'train loss', colour: '#2a6f97', xs: D.curve.step, ys: D.curve.train_loss}];
            if (D.curve.test_loss.some(v => v !== null)) {
                series.push({name: 'held-out loss', colour: '#e15759', xs: D.curve.step, ys: D.curve.test_loss});
            }
            add(s, lineChart({title: 'Loss during training', cls: 'curve', xTitle: 'step', yTitle: 'cross-entropy (nats/token)', series: series}));
        } else {
            add(s, el('p', 'notice', 'The model directory has no curve.csv (only models trained by headwise train have one).'));
        }
    }

    // The views of the scripts inlined after this one (ablation.js) draw with these helpers.
    window.HeadwiseReport = {D, layers, heads, el, add, fmt, sig4, int, tokText, tokLabel, CMAPS, rgb, lightness,
        canvas, figure, heatmap, scatter, table, section, notice, facts, navLink, showTip, hideTip};

    add(document.body, el('footer', null, 'Generated by Headwise. Colour scales: viridis-like (sequential), cool–warm (signed).'));
    // What explain.js and view3d.js (inlined after this script) draw with.
    window.headwise = {D, el, add, fmt, int, heatmap, lineChart, canvas, figure, section, navLink, notice,
        tokText, tokLabel, rgb, CMAPS, lightness, extent, showTip, hideTip, openZoom, saliencyRow};
    window.__renderMs = performance.now() - started;
    document.body.dataset.rendered = 'true';
})();
