(function () {
    'use strict';
    // Explanations beyond raw attention (SPEC §6), drawn into the sections report.js made: per text
    // the layer-mean raw pattern beside rollout and gradient-weighted rollout, a raw/value-weighted
    // switch for the head grid, the logit lens and the relevance of a clicked position; for the
    // corpus the layer_summary curve. Strings reach the page only through textContent and
    // attributes, as in report.js.
    const H = window.headwise;
    if (!H) return;
    const {D, el, add, fmt, heatmap, lineChart, tokLabel, tokText, rgb, CMAPS, lightness, saliencyRow, notice} = H;
    const layers = D.model.n_layer, heads = D.model.n_head;

    /** mean_h A_{l,h}: row q over keys 0..q. */
    function layerMean(t, l) {
        return t.patterns[l][0].map((row, q) => row.map((_, k) => {
            let s = 0;
            for (let h = 0; h < heads; h++) s += t.patterns[l][h][q][k] || 0;
            return s / heads;
        }));
    }
    /** Each row divided by its sum, so value-weighted rows share the 0..1 colour scale of patterns. */
    function rowNormalised(m) {
        return m.map(row => {
            const s = row.reduce((a, v) => a + (v || 0), 0);
            return row.map(v => (s > 0 ? (v || 0) / s : 0));
        });
    }
    /** Redraws a head-grid thumbnail (made by report.js) with another pattern. */
    function redrawThumb(c, pattern) {
        const ctx = c.getContext('2d');
        const size = parseFloat(c.style.width);
        ctx.fillStyle = '#f1f2f4';
        ctx.fillRect(0, 0, size, size);
        const cell = size / pattern.length;
        pattern.forEach((row, q) => row.forEach((v, k) => {
            ctx.fillStyle = rgb(CMAPS.viridis(v));
            ctx.fillRect(k * cell, q * cell, Math.ceil(cell), Math.ceil(cell));
        }));
    }

    D.texts.forEach((t, ti) => {
        const s = document.getElementById('text-' + ti);
        const x = t.explain;
        if (!s) return;
        const grid = s.querySelector('.head-grid');
        const box = el('div', 'explain');
        if (grid) grid.after(box); else add(s, box);
        add(box, el('h3', null, 'Beyond raw attention: rollout, gradient-weighted rollout, logit lens'));
        if (!x) {
            add(box, el('p', 'notice', 'No explanations were computed for this text.'));
            return;
        }
        const labels = t.tokens.map(tokLabel);
        const T = t.tokens.length;

        // ---- raw / value-weighted switch for the head grid ----
        const weighted = {};
        const vw = (l, h) => weighted[l + ',' + h] || (weighted[l + ',' + h] = rowNormalised(x.value_weighted[l][h]));
        if (grid) {
            const sw = el('div', 'pattern-switch');
            add(sw, el('span', null, 'Head grid shows'));
            const buttons = [['raw', 'raw attention'], ['value_weighted', 'value-weighted']].map(([mode, label]) => {
                const b = add(sw, el('button', null, label));
                b.type = 'button';
                b.dataset.mode = mode;
                return b;
            });
            add(sw, el('span', 'help', 'value-weighted: A[q][k]·‖f(x_k)‖₂, each row rescaled to sum 1 for the colours'));
            const setMode = mode => {
                grid.dataset.mode = mode;
                buttons.forEach(b => b.classList.toggle('active', b.dataset.mode === mode));
                grid.querySelectorAll('canvas.thumb').forEach(c => {
                    const l = +c.dataset.layer, h = +c.dataset.head;
                    redrawThumb(c, mode === 'raw' ? t.patterns[l][h] : vw(l, h));
                });
            };
            buttons.forEach(b => b.addEventListener('click', () => setMode(b.dataset.mode)));
            grid.before(sw);
            grid.dataset.mode = 'raw';
            buttons[0].classList.add('active');
            // report.js's click handler opens the raw pattern first; in value-weighted mode this one
            // (registered later, so run later) replaces it.
            grid.querySelectorAll('canvas.thumb').forEach(c => c.addEventListener('click', () => {
                if (grid.dataset.mode !== 'value_weighted') return;
                const l = +c.dataset.layer, h = +c.dataset.head;
                const cell = Math.max(10, Math.min(44, Math.floor(560 / T)));
                const raw = x.value_weighted[l][h];
                document.getElementById('zoom-body').replaceChildren(heatmap({
                    title: 'Layer ' + l + ' · Head ' + h + ' · value-weighted (rows rescaled to sum 1)',
                    cls: 'zoomed value-weighted', dataset: {layer: l, head: h},
                    rowLabels: labels, colLabels: labels, values: vw(l, h), cell: cell, range: [0, 1],
                    xTitle: 'key position (attended to)', yTitle: 'query position', legendTitle: 'share of row',
                    valueText: v => v < 0.005 ? '' : v >= 0.995 ? '1' : v.toFixed(2).slice(1), showValues: true,
                    tip: (q, k, v) => 'L' + l + 'H' + h + '  query ' + q + ' → key ' + k + ' ' + tokLabel(t.tokens[k])
                        + '\nA·‖f(x)‖ = ' + fmt(raw[q][k]) + ', share of row ' + fmt(v)
                }));
                document.getElementById('zoom-title').textContent = 'Layer ' + l + ' · Head ' + h + ' (value-weighted) — “' + t.text + '”';
            }));
        }

        // ---- layer-mean raw pattern beside rollout and gradient-weighted rollout ----
        add(box, el('p', 'help', 'Above the first layer a position holds a mix of tokens, so a raw pattern does not say which input tokens a prediction uses. '
            + 'Rollout multiplies the layers’ head-mean patterns, each averaged with the identity for the residual stream; gradient-weighted rollout weighs every pattern by the gradient of the '
            + 'actual next token’s logit (positive part only), one row per predicting position. Rows: the position predicting; columns: input tokens.'));
        const cell = Math.max(8, Math.min(22, Math.floor(300 / T)));
        const charts = add(box, el('div', 'charts'));
        const pick = el('label', 'help', 'raw pattern averaged over the heads of layer');
        const select = add(pick, el('select', 'mean-layer'));
        for (let l = 0; l < layers; l++) {
            const o = add(select, el('option', null, String(l)));
            o.value = String(l);
        }
        select.value = String(layers - 1);
        const matrixChart = (title, cls, values, rowLabels, legend) => heatmap({
            title: title, cls: cls, rowLabels: rowLabels, colLabels: labels, values: values, cell: cell,
            xTitle: 'input token', yTitle: 'predicting position', legendTitle: legend, showValues: false,
            tip: (q, k, v) => 'position ' + q + ' ' + tokLabel(t.tokens[q]) + ' ← token ' + k + ' ' + tokLabel(t.tokens[k]) + ': ' + fmt(v)
        });
        let meanFigure = add(charts, matrixChart('Raw attention, mean of layer ' + select.value + '’s heads', 'layer-mean',
            layerMean(t, layers - 1), labels, 'attention weight'));
        meanFigure.dataset.layer = select.value;
        select.addEventListener('change', () => {
            const l = +select.value;
            const f = matrixChart('Raw attention, mean of layer ' + l + '’s heads', 'layer-mean', layerMean(t, l), labels, 'attention weight');
            f.dataset.layer = String(l);
            meanFigure.replaceWith(f);
            meanFigure = f;
        });
        add(charts, matrixChart('Attention rollout', 'rollout', x.rollout, labels, 'rollout'));
        if (x.grad_rollout.length) {
            add(charts, matrixChart('Gradient-weighted rollout (next-token logit)', 'grad-rollout', x.grad_rollout,
                labels.slice(0, T - 1), 'grad_rollout'));
        }
        box.insertBefore(pick, charts);

        // ---- logit lens: layer × position ----
        add(box, el('h3', null, 'Logit lens'));
        add(box, el('p', 'help', 'Block l’s residual stream read through ln_f and the unembedding: each cell shows the most likely next token; its colour is the probability of the actual next token '
            + '(grey: the last position has none). Click a position for what its prediction depends on.'));
        const lens = x.lens;
        const wrap = add(box, el('div', 'scroll'));
        const tbl = add(wrap, el('table', 'lens'));
        const head = add(add(tbl, el('thead')), el('tr'));
        add(head, el('th', 'rowhdr', 'position'));
        const positionCells = [];
        for (let p = 0; p < T; p++) {
            const th = add(head, el('th', 'position', p + ' ' + tokText(t.tokens[p])));
            th.dataset.position = String(p);
            th.setAttribute('title', 'position ' + p + ': click for the relevance of its prediction');
            positionCells.push(th);
        }
        const body = add(tbl, el('tbody'));
        for (let l = 0; l < lens.top_token.length; l++) {
            const tr = add(body, el('tr'));
            add(tr, el('th', 'rowhdr', 'block ' + l));
            for (let p = 0; p < T; p++) {
                const td = add(tr, el('td', 'position', tokText(lens.top_token[l][p])));
                td.dataset.position = String(p);
                td.dataset.layer = String(l);
                if (p < T - 1) {
                    const v = lens.target_prob[l][p];
                    const colour = CMAPS.viridis(v);
                    td.style.background = rgb(colour);
                    td.style.color = lightness(colour) > 0.55 ? '#111' : '#fff';
                    td.dataset.targetProb = String(v);
                    td.setAttribute('title', 'block ' + l + ', position ' + p + ': top ' + tokText(lens.top_token[l][p]) + ' (p = ' + fmt(lens.top_prob[l][p])
                        + '); actual next ' + tokText(t.tokens[p + 1]) + ' p = ' + fmt(v) + ', rank ' + lens.target_rank[l][p]);
                } else {
                    td.classList.add('no-target');
                    td.setAttribute('title', 'block ' + l + ', last position: top ' + tokText(lens.top_token[l][p]) + ' (p = ' + fmt(lens.top_prob[l][p]) + ')');
                }
            }
        }
        const actual = add(body, el('tr'));
        add(actual, el('th', 'rowhdr', 'actual next'));
        for (let p = 0; p < T; p++) add(actual, el('td', 'no-target', p < T - 1 ? tokText(t.tokens[p + 1]) : '–'));
        const legend = add(box, el('div', 'legend-inline'));
        add(legend, el('b', null, 'probability of the actual next token:'));
        add(legend, el('span', null, '0'));
        const [bar, bctx] = H.canvas(160, 12);
        for (let i = 0; i < 160; i++) { bctx.fillStyle = rgb(CMAPS.viridis(i / 159)); bctx.fillRect(i, 0, 1, 12); }
        add(legend, bar);
        add(legend, el('span', null, '1'));

        // ---- relevance of a clicked position ----
        add(box, el('h3', null, 'What a prediction depends on'));
        const relevance = add(box, el('div', 'relevance'));
        add(relevance, el('p', 'help', 'Click a position in the logit lens.'));
        const show = p => {
            positionCells.forEach(th => th.classList.toggle('selected', +th.dataset.position === p));
            relevance.dataset.position = String(p);
            relevance.replaceChildren();
            if (p >= T - 1) {
                add(relevance, el('p', 'notice', 'Position ' + p + ' is the last: no actual next token, so no gradient-weighted rollout.'));
                return;
            }
            const last = lens.target_prob.length - 1;
            add(relevance, el('p', 'help', 'Position ' + p + ' ' + tokText(t.tokens[p]) + ' predicting ' + tokText(t.tokens[p + 1])
                + ': the model gives it p = ' + fmt(lens.target_prob[last][p]) + ' (rank ' + lens.target_rank[last][p] + '). '
                + 'grad_rollout = row ' + p + ' of the gradient-weighted rollout (sums to 1); grad_x_input = (∂ℓ_p/∂e_t)·e_t of this prediction’s own loss ℓ_p'
                + (x.grad_x_input_by_prediction ? '' : ' (not computed here: the whole text’s loss instead)') + '.'));
            const tokens = t.tokens.slice(0, p + 1);
            saliencyRow(relevance, 'grad_rollout', tokens, x.grad_rollout[p], 'viridis', false, 'grad_rollout');
            if (x.grad_x_input_by_prediction) {
                saliencyRow(relevance, 'grad_x_input', tokens, x.grad_x_input_by_prediction[p], 'diverging', true, 'grad_x_input (this prediction)');
            } else if (t.grad_x_input) {
                saliencyRow(relevance, 'grad_x_input', tokens, t.grad_x_input.slice(0, p + 1), 'diverging', true, 'grad_x_input (text loss)');
            }
        };
        tbl.addEventListener('click', e => {
            const cellEl = e.target.closest('[data-position]');
            if (cellEl) show(+cellEl.dataset.position);
        });
    });

    // ---- corpus: layer_summary as a curve ----
    const C = D.corpus;
    const corpus = document.getElementById('corpus');
    if (C && corpus) {
        const box = add(corpus, el('div', 'explain'));
        add(box, el('h3', null, 'Logit lens over the corpus (layer_summary)'));
        const ls = C.layer_summary;
        if (ls && ls.layer.length) {
            add(box, el('p', 'help', 'How early in depth the model knows the next token, over ' + Number(ls.n_predictions[0]).toLocaleString('en-US')
                + ' predictions of the explained samples: the mean probability of the actual next token and the fraction where it is the top token, after each block.'));
            add(box, lineChart({
                title: 'Logit lens by layer', cls: 'layer-summary', xTitle: 'block', yTitle: 'probability / fraction',
                series: [
                    {name: 'mean p(actual next token)', colour: '#2a6f97', xs: ls.layer, ys: ls.target_prob},
                    {name: 'top-1 = actual next token', colour: '#e15759', xs: ls.layer, ys: ls.top1}]
            }));
            add(box, lineChart({
                title: 'Median rank of the actual next token', cls: 'layer-summary-rank', xTitle: 'block', yTitle: 'median rank',
                series: [{name: 'median target_rank', colour: '#59a14f', xs: ls.layer, ys: ls.target_rank}]
            }));
        } else {
            notice(box, 'layer_summary not computed — run ', 'headwise extract --explain all …  then  headwise summarize --tables ' + C.tables, '.');
        }
    }
    document.body.dataset.explained = 'true';
})();
