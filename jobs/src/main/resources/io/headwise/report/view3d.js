(function () {
    'use strict';
    // Two 3-D views on a 2-D canvas with their own projection: the token embeddings on their first
    // three principal components, and the model's architecture. Drag turns a view (yaw about the
    // vertical axis, pitch about the horizontal one); the angles are kept on the canvas as
    // data-yaw / data-pitch (degrees). A click on a head of the architecture opens its pattern.
    const H = window.headwise;
    if (!H) return;
    const {D, el, add, fmt, int, canvas, figure, section, navLink, tokLabel, showTip, hideTip, openZoom} = H;

    /**
     * A turntable: rotation by yaw then pitch, perspective from a camera at distance `dist`
     * looking at the origin. project([x, y, z]) → [sx, sy, depth] in CSS pixels (larger depth =
     * farther away).
     */
    function turntable(width, height, scale, draw, options) {
        const [c, ctx] = canvas(width, height);
        c.classList.add('view3d');
        const view = {yaw: options.yaw, pitch: options.pitch, dist: 6, c: c, ctx: ctx};
        view.project = p => {
            const cy = Math.cos(view.yaw), sy = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
            const x1 = cy * p[0] + sy * p[2], z1 = -sy * p[0] + cy * p[2];
            const y2 = cp * p[1] - sp * z1, z2 = sp * p[1] + cp * z1;
            const f = scale * view.dist / (view.dist + z2);
            return [width / 2 + f * x1, height / 2 - f * y2, z2];
        };
        view.render = () => {
            ctx.clearRect(0, 0, width, height);
            draw(view);
            c.dataset.yaw = (view.yaw * 180 / Math.PI).toFixed(1);
            c.dataset.pitch = (view.pitch * 180 / Math.PI).toFixed(1);
        };
        let from = null, moved = 0;
        c.addEventListener('mousedown', e => { from = [e.clientX, e.clientY]; moved = 0; e.preventDefault(); });
        window.addEventListener('mousemove', e => {
            if (!from) return;
            const dx = e.clientX - from[0], dy = e.clientY - from[1];
            moved += Math.abs(dx) + Math.abs(dy);
            from = [e.clientX, e.clientY];
            view.yaw += dx * 0.01;
            view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + dy * 0.01));
            hideTip();
            view.render();
        });
        window.addEventListener('mouseup', e => {
            if (!from) return;
            from = null;
            if (moved < 4 && options.click) {
                const b = c.getBoundingClientRect();
                options.click(e.clientX - b.left, e.clientY - b.top, view);
            }
        });
        if (options.hover) {
            c.addEventListener('mousemove', e => {
                if (from) return;
                const b = c.getBoundingClientRect();
                options.hover(e.clientX - b.left, e.clientY - b.top, e, view);
            });
            c.addEventListener('mouseleave', hideTip);
        }
        view.render();
        return view;
    }

    // ---- token embeddings in 3-D ----
    const E = D.embedding;
    const embeddingSection = document.getElementById('embedding');
    if (E && embeddingSection) {
        const n = E.labels.length;
        const dims = E.coordinates.length ? E.coordinates[0].length : 0;
        let span = 0;
        for (const row of E.coordinates) for (const v of row) span = Math.max(span, Math.abs(v || 0));
        span = span || 1;
        const points = E.coordinates.map(row => [0, 1, 2].map(j => (row[j] || 0) / span));
        const labelAll = n <= 300;
        let shown = [];
        const axisNames = [0, 1, 2].map(j => 'PC ' + (j + 1) + (E.explained[j] !== undefined ? ' (' + (100 * E.explained[j]).toFixed(1) + '%)' : ' (none)'));
        const draw = view => {
            const ctx = view.ctx;
            ctx.lineWidth = 1;
            ['#e15759', '#59a14f', '#4e79a7'].forEach((colour, j) => {
                const end = [0, 0, 0];
                end[j] = 1.1;
                const a = view.project([0, 0, 0]), b = view.project(end);
                ctx.strokeStyle = colour;
                ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
                ctx.fillStyle = colour;
                ctx.textAlign = 'left';
                ctx.textBaseline = 'middle';
                ctx.fillText(axisNames[j], b[0] + 4, b[1]);
            });
            shown = points.map((p, i) => {
                const s = view.project(p);
                return [s[0], s[1], s[2], i];
            });
            if (n <= 5000) shown.sort((a, b) => b[2] - a[2]);
            const radius = n > 2000 ? 1.6 : 4;
            for (const [x, y, z, i] of shown) {
                const shade = Math.max(0.25, Math.min(1, 0.75 - z / 3));
                ctx.fillStyle = 'rgba(42,111,151,' + shade.toFixed(2) + ')';
                ctx.beginPath();
                ctx.arc(x, y, radius, 0, 2 * Math.PI);
                ctx.fill();
                if (labelAll) {
                    ctx.fillStyle = '#222';
                    ctx.textAlign = 'left';
                    ctx.fillText(tokLabel(E.labels[i]), x + radius + 2, y);
                }
            }
        };
        const f = figure('Token embeddings wte, PCA to 3-D (' + int(n) + ' tokens; drag to turn)', 'embedding-3d');
        const view = turntable(680, 480, 170, draw, {
            yaw: 0.6, pitch: 0.35,
            hover: (mx, my, e) => {
                let best = null, bestD = 64;
                for (const [x, y, , i] of shown) {
                    const d = (x - mx) ** 2 + (y - my) ** 2;
                    if (d < bestD) { best = i; bestD = d; }
                }
                if (best === null) { hideTip(); return; }
                const p = E.coordinates[best];
                showTip('id ' + best + ': ' + tokLabel(E.labels[best]) + '\nPC1 ' + fmt(p[0]) + ', PC2 ' + fmt(p[1]) + ', PC3 ' + fmt(p[2]), e.clientX, e.clientY);
            }
        });
        add(f, view.c);
        add(embeddingSection, el('p', 'help', 'The same rows on their first three principal components'
            + (dims < 3 ? ' (the model has ' + dims + ' embedding dimensions: the third axis is flat)' : '')
            + ', scaled together to a unit cube. Drag to turn; nearer points are darker.'));
        add(embeddingSection, f);
    }

    // ---- the architecture in 3-D ----
    const A = D.model.architecture;
    if (A) {
        navLink('architecture', 'Architecture 3-D');
        const s = section('architecture', 'Model architecture in 3-D',
            'Bottom to top: the embeddings, then per block ln_1, its heads (front row), ln_2 and the MLP, all reading from and writing to the residual stream (the vertical bar); '
            + 'then ln_f and the unembedding. Parameter counts on hover; drag to turn; click a head to open its attention pattern for the first text.');
        const L = D.model.n_layer, Hn = D.model.n_head;
        const COLOURS = {embedding: '#76b7b2', norm: '#bab0ac', head: '#f28e2b', attention_bias: '#edc948', mlp: '#4e79a7', unembedding: '#b07aa1', residual: '#9aa5b1'};
        const step = 1.0, bottom = -((L + 1) * step) / 2 - 0.4;
        const yOf = l => bottom + 0.9 + l * step;
        const headW = Math.min(0.34, 3.2 / Hn), headGap = headW * 0.25;
        const rowW = Hn * headW + (Hn - 1) * headGap;
        const boxes = [];
        const boxOf = (part, centre, size) => boxes.push({part: part, centre: centre, size: size});
        let attentionBias = {};
        for (const p of A.parts) {
            if (p.kind === 'attention_bias') attentionBias[p.layer] = p;
        }
        let embeddingIndex = 0;
        for (const p of A.parts) {
            if (p.kind === 'embedding') {
                boxOf(p, [embeddingIndex++ === 0 ? -0.9 : 0.9, bottom, 0.35], [1.2, 0.18, 0.7]);
            } else if (p.kind === 'head') {
                const x = -rowW / 2 + headW / 2 + p.head * (headW + headGap);
                boxOf(p, [x, yOf(p.layer), 0.7], [headW, 0.3, 0.3]);
            } else if (p.kind === 'mlp') {
                boxOf(p, [0, yOf(p.layer) + 0.5, -0.6], [Math.max(1.2, rowW * 0.7), 0.3, 0.5]);
            } else if (p.kind === 'norm' && p.layer >= 0) {
                const second = p.name.endsWith('ln_2');
                boxOf(p, second ? [0, yOf(p.layer) + 0.28, -0.6] : [0, yOf(p.layer) - 0.22, 0.7],
                    [second ? 0.9 : rowW, 0.05, second ? 0.5 : 0.3]);
            } else if (p.kind === 'norm') {
                boxOf(p, [0, yOf(L) - 0.1, 0.35], [1.2, 0.05, 0.7]);
            } else if (p.kind === 'unembedding') {
                boxOf(p, [0, yOf(L) + 0.15, 0.35], [2.2, 0.18, 0.7]);
            }
        }
        const top = yOf(L) + 0.3;
        boxOf({kind: 'residual', name: 'residual stream (d_model = ' + D.model.n_embd + ')', layer: -1, head: -1, parameters: 0},
            [0, (bottom + top) / 2, 0], [0.12, top - bottom, 0.12]);
        const CORNERS = [[-1, -1, -1], [1, -1, -1], [1, 1, -1], [-1, 1, -1], [-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]];
        const FACES = [[0, 1, 2, 3, -0.1], [4, 5, 6, 7, 0.05], [0, 1, 5, 4, -0.25], [3, 2, 6, 7, 0.2], [0, 3, 7, 4, -0.05], [1, 2, 6, 5, 0]];
        let faces = [];
        const shade = (hex, k) => {
            const v = parseInt(hex.slice(1), 16);
            const ch = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map(x => Math.round(Math.max(0, Math.min(255, x + k * 255))));
            return 'rgb(' + ch.join(',') + ')';
        };
        const inside = (pt, poly) => {
            let yes = false;
            for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
                const [xi, yi] = poly[i], [xj, yj] = poly[j];
                if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < (xj - xi) * (pt[1] - yi) / (yj - yi) + xi) yes = !yes;
            }
            return yes;
        };
        const draw = view => {
            const ctx = view.ctx;
            faces = [];
            boxes.forEach((b, bi) => {
                const pts = CORNERS.map(k => view.project([b.centre[0] + k[0] * b.size[0] / 2, b.centre[1] + k[1] * b.size[1] / 2, b.centre[2] + k[2] * b.size[2] / 2]));
                for (const f of FACES) {
                    const poly = f.slice(0, 4).map(i => pts[i]);
                    const depth = poly.reduce((a, p) => a + p[2], 0) / 4;
                    faces.push({box: bi, poly: poly, depth: depth, light: f[4]});
                }
            });
            faces.sort((a, b) => b.depth - a.depth);
            ctx.lineWidth = 0.5;
            for (const f of faces) {
                const b = boxes[f.box];
                ctx.fillStyle = shade(COLOURS[b.part.kind] || '#999', f.light);
                ctx.strokeStyle = 'rgba(0,0,0,0.25)';
                ctx.globalAlpha = b.part.kind === 'unembedding' && b.part.parameters === 0 ? 0.45 : 0.92;
                ctx.beginPath();
                f.poly.forEach((p, i) => (i ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1])));
                ctx.closePath();
                ctx.fill();
                ctx.stroke();
            }
            ctx.globalAlpha = 1;
            ctx.fillStyle = '#222';
            ctx.textAlign = 'left';
            ctx.textBaseline = 'middle';
            for (const b of boxes) {
                const k = b.part.kind;
                if (k === 'head' || k === 'norm' || k === 'attention_bias') continue;
                const at = view.project([b.centre[0] + b.size[0] / 2 + 0.08, b.centre[1], b.centre[2]]);
                const label = k === 'residual' ? 'residual stream' : k === 'mlp' ? 'L' + b.part.layer + ' MLP ' + int(b.part.parameters)
                    : b.part.name.split(' (')[0] + ' ' + int(b.part.parameters);
                ctx.fillText(label, at[0], at[1]);
            }
            for (let l = 0; l < L; l++) {
                const at = view.project([-rowW / 2 - 0.1, yOf(l), 0.7]);
                ctx.textAlign = 'right';
                ctx.fillText('block ' + l + ': ' + Hn + ' heads', at[0], at[1]);
            }
        };
        const pick = (mx, my) => {
            for (let i = faces.length - 1; i >= 0; i--) {
                if (inside([mx, my], faces[i].poly)) return boxes[faces[i].box];
            }
            return null;
        };
        const describe = b => {
            const p = b.part;
            if (p.kind === 'residual') return p.name + ': no parameters of its own';
            if (p.kind === 'head') {
                return 'layer ' + p.layer + ', head ' + p.head + ': ' + int(p.parameters) + ' parameters (its W_Q, W_K, W_V columns of c_attn with biases, its rows of c_proj); '
                    + 'attention bias of the block ' + (attentionBias[p.layer] ? int(attentionBias[p.layer].parameters) : '–') + '. Click to open its pattern.';
            }
            return p.name + ': ' + int(p.parameters) + ' parameters';
        };
        const f = figure('GPT-2 architecture: ' + L + ' blocks × ' + Hn + ' heads, ' + int(A.total_parameters) + ' parameters (drag to turn, click a head)', 'architecture-3d');
        const height = Math.max(480, Math.min(900, 140 + L * 64));
        const view = turntable(760, height, Math.min(150, (height - 60) / (top - bottom + 1) * 1.0), draw, {
            yaw: -0.5, pitch: 0.25,
            click: (mx, my) => {
                const b = pick(mx, my);
                if (!b) return;
                f.dataset.selected = b.part.name;
                if (b.part.kind === 'head' && D.texts.length) openZoom(0, b.part.layer, b.part.head);
            },
            hover: (mx, my, e) => {
                const b = pick(mx, my);
                if (b) showTip(describe(b), e.clientX, e.clientY); else hideTip();
            }
        });
        add(f, view.c);
        add(s, f);
        // A point of the canvas where a click picks head (l, h), or null where it is hidden (for the browser test).
        view.c.headPoint = (l, h) => {
            for (let i = faces.length - 1; i >= 0; i--) {
                const b = boxes[faces[i].box];
                if (b.part.kind !== 'head' || b.part.layer !== l || b.part.head !== h) continue;
                const poly = faces[i].poly;
                const centre = [poly.reduce((a, p) => a + p[0], 0) / 4, poly.reduce((a, p) => a + p[1], 0) / 4];
                if (pick(centre[0], centre[1]) === b) return centre;
            }
            return null;
        };
        add(s, el('p', 'help', 'Parameters per part: ' + A.parts.filter(p => p.layer <= 0 && p.kind !== 'attention_bias').map(p => p.name + ' ' + int(p.parameters)).join(' · ')
            + (L > 1 ? ' · … (every block alike)' : '') + '. Total ' + int(A.total_parameters) + ', the same as the Model section.'));
    }
})();
