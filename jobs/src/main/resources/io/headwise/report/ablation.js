(function () {
    'use strict';
    // Interventions (SPEC §5): the corpus section from head_ablation and, in each text's section,
    // "remove one head". Inlined after report.js and drawn with its helpers; corpus text reaches
    // the page only through textContent, attributes and canvas text, as there.
    const R = window.HeadwiseReport;
    const A = R && R.D.ablation;
    if (!A) return;
    const {D, layers, heads, el, add, fmt, sig4, int, tokLabel, CMAPS, rgb, lightness, canvas, heatmap, scatter,
        table, section, notice, facts, navLink} = R;

    const style = add(document.head, el('style'));
    style.textContent = '.removal-grid .cell { min-width: 58px; height: 30px; display: flex; align-items: center;'
        + ' justify-content: center; font-size: 12px; border-radius: 3px; cursor: pointer;'
        + ' border: 1px solid rgba(0,0,0,0.08); font-variant-numeric: tabular-nums; }'
        + ' .removal-grid .cell:hover { outline: 2px solid var(--accent); }'
        + ' .removal-grid .cell.selected { outline: 3px solid var(--fg); }'
        + ' .removal-detail { margin-top: 10px; }';

    // [−m, m] with m the largest |v|: zero in the middle of the cool–warm scale.
    function symmetric(values) {
        let m = 0;
        for (const row of values) for (const v of row) if (v !== null && v !== undefined && isFinite(v)) m = Math.max(m, Math.abs(v));
        return m > 0 ? [-m, m] : [-1, 1];
    }
    // A value in a heatmap cell: two significant digits (the tooltip has three).
    function short(v) {
        const a = Math.abs(v);
        if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
        return String(parseFloat(v.toPrecision(2)));
    }
    function colourOf(v, range) { return CMAPS.diverging((v - range[0]) / (range[1] - range[0])); }
    // A cool–warm bar from −m to m, for a group of coloured cells.
    function signedLegend(title, range) {
        const legend = el('div', 'legend-inline');
        add(legend, el('b', null, title + ':'));
        add(legend, el('span', null, fmt(range[0])));
        const [c, ctx] = canvas(160, 12);
        for (let x = 0; x < 160; x++) { ctx.fillStyle = rgb(CMAPS.diverging(x / 159)); ctx.fillRect(x, 0, 1, 12); }
        add(legend, c);
        add(legend, el('span', null, fmt(range[1])));
        legend.style.margin = '0 0 8px';
        return legend;
    }
    function layerHead(rows, value) {
        const grid = Array.from({length: layers}, () => Array(heads).fill(null));
        for (const r of rows) {
            if (r.layer !== null && r.head !== null && r.layer < layers && r.head < heads) grid[r.layer][r.head] = value(r);
        }
        return grid;
    }
    function place(s, afterId) {
        const after = document.getElementById(afterId);
        if (after) after.after(s);
    }

    // ---- corpus: head_ablation ----
    if (A.rows || D.corpus) {
        navLink('ablation', 'Ablation');
        const s = section('ablation', 'Ablation: the loss without each head',
            'From head_ablation of ' + (D.corpus ? D.corpus.tables : 'the run') + ' (headwise ablate). delta_loss = loss − base_loss,'
            + ' both averaged over every prediction of the samples; red: the loss rises without the head (it helped).');
        place(s, 'corpus');
        if (A.rows && A.rows.length) {
            const zero = A.rows.filter(r => r.kind === 'zero' && r.layer !== null);
            const mean = A.rows.filter(r => r.kind === 'mean' && r.layer !== null);
            const tiles = [[int(A.rows[0].n_samples), 'samples', A.rows[0].n_samples],
                [sig4(A.rows[0].base_loss), 'base loss (nats/prediction)', A.rows[0].base_loss],
                [A.rows.length, 'interventions']];
            if (zero.some(r => r.grad_proxy !== null)) {
                tiles.push([sig4(A.spearman), 'Spearman ρ(grad_proxy, delta_mean)',
                    A.spearman === null ? undefined : A.spearman]);
            }
            facts(s, tiles);
            const charts = add(s, el('div', 'charts'));
            for (const [kind, rows, what] of [['zero', zero, 'zero ablation (z = 0)'], ['mean', mean, 'mean ablation (z = z̄)']]) {
                if (!rows.length) continue;
                const values = layerHead(rows, r => r.delta_loss);
                add(charts, heatmap({
                    title: 'delta_loss, ' + what, cls: 'ablation ' + kind, dataset: {kind: kind},
                    rowLabels: values.map((_, l) => 'layer ' + l), colLabels: values[0].map((_, h) => 'head ' + h),
                    values: values, cell: heads > 8 ? 30 : 44, range: symmetric(values), cmap: 'diverging',
                    xTitle: 'head', yTitle: 'layer', legendTitle: 'delta_loss (nats)', showValues: true, valueText: short,
                    tip: (l, h, v) => kind + ' ' + l + '.' + h + ': delta_loss = ' + fmt(v)
                }));
            }
            const proxied = zero.filter(r => r.grad_proxy !== null && r.delta_mean !== null);
            if (proxied.length) {
                add(s, el('h3', null, 'Does the gradient predict the effect?'));
                add(s, el('p', 'help', 'Each head’s grad_proxy (mean −∂L/∂m at the gate, the first-order estimate of removing it;'
                    + ' head_summary.importance is its magnitude) against its measured delta_mean. Spearman ρ over '
                    + proxied.length + ' heads = ' + (A.spearman === null ? 'undefined' : A.spearman.toFixed(3)) + '.'));
                const f = add(s, scatter({
                    title: 'grad_proxy against delta_mean (Spearman ρ = ' + (A.spearman === null ? '–' : A.spearman.toFixed(3)) + ')',
                    cls: 'proxy', xTitle: 'grad_proxy (first-order estimate)', yTitle: 'delta_mean (measured)',
                    labelAll: proxied.length <= 64, width: 620, height: 420,
                    points: proxied.map(r => ({
                        x: r.grad_proxy, y: r.delta_mean, label: 'L' + r.layer + 'H' + r.head, colour: 'rgba(180,4,38,0.75)',
                        tip: 'layer ' + r.layer + ', head ' + r.head + '\ngrad_proxy ' + fmt(r.grad_proxy)
                            + '\ndelta_mean ' + fmt(r.delta_mean)
                    }))
                }));
                f.dataset.spearman = String(A.spearman);
                f.dataset.points = String(proxied.length);
            }
            add(s, el('h3', null, 'Merges and other interventions'));
            const others = A.rows.filter(r => !((r.kind === 'zero' || r.kind === 'mean') && r.layer !== null));
            if (others.length) {
                add(add(s, el('div', 'scroll')), table(
                    ['intervention', 'kind', 'delta_loss', 'delta_mean', '95% interval', 'frac_hurt', 'samples'],
                    others.map(r => [r.intervention, r.kind, fmt(r.delta_loss), fmt(r.delta_mean),
                        r.delta_ci_low === null ? '–' : '[' + fmt(r.delta_ci_low) + ', ' + fmt(r.delta_ci_high) + ']',
                        fmt(r.frac_hurt), int(r.n_samples)]),
                    [false, false, true, true, true, true, true])).classList.add('others');
            } else {
                add(s, el('p', 'help', 'None in this run (ablate --intervene "merge L.H1+H2@α" or "zero 1.2 & zero 0.3" adds them).'));
            }
        } else {
            notice(s, 'head_ablation not computed — run ',
                'headwise ablate --model MODEL_DIR --tokens ' + (D.corpus ? D.corpus.tables : 'DIR') + ' --out '
                + (D.corpus ? D.corpus.tables : 'DIR') + ' --sweep zero', '.');
        }
        // The nav link in the same place as the section: after Corpus.
        const links = [...document.querySelectorAll('nav.toc a')];
        const corpusLink = links.find(a => a.getAttribute('href') === '#corpus');
        if (corpusLink) corpusLink.after(links.find(a => a.getAttribute('href') === '#ablation'));
    }

    // ---- per text: remove one head ----
    D.texts.forEach((t, ti) => {
        const r = A.texts[ti];
        const s = document.getElementById('text-' + ti);
        if (!r || !s) return;
        const box = add(s, el('div', 'removal'));
        add(box, el('h3', null, 'Remove one head'));
        if (r.base_loss === null) {
            add(box, el('p', 'notice', 'One token: no next-token prediction for a head to change.'));
            return;
        }
        add(box, el('p', 'help', 'The text with each head zeroed in turn (' + (layers * heads + 1)
            + ' forward passes): Δ = its mean loss without the head − with it ('
            + sig4(r.base_loss) + '). Red: the head helps this text. Click a head for Δ at each position.'));
        const range = symmetric(r.delta);
        add(box, signedLegend('Δ loss (nats)', range));
        const grid = add(box, el('div', 'grid removal-grid'));
        grid.style.gridTemplateColumns = '64px repeat(' + heads + ', auto)';
        add(grid, el('div', 'axis', 'layer ↓ head →'));
        for (let h = 0; h < heads; h++) add(grid, el('div', 'hdr', 'head ' + h));
        const detail = el('div', 'removal-detail');
        for (let l = 0; l < layers; l++) {
            add(grid, el('div', 'rowhdr', 'layer ' + l));
            for (let h = 0; h < heads; h++) {
                const v = r.delta[l][h];
                const cell = add(grid, el('div', 'cell', fmt(v)));
                const colour = v === null ? [241, 242, 244] : colourOf(v, range);
                cell.style.background = rgb(colour);
                cell.style.color = lightness(colour) > 0.55 ? '#111' : '#fff';
                cell.dataset.layer = String(l);
                cell.dataset.head = String(h);
                cell.dataset.value = String(v);
                cell.setAttribute('title', 'without layer ' + l + ' · head ' + h + ': Δ = ' + fmt(v) + ' (click for each position)');
                cell.addEventListener('click', () => {
                    grid.querySelectorAll('.cell.selected').forEach(c => c.classList.remove('selected'));
                    cell.classList.add('selected');
                    showPositions(detail, t, r, l, h);
                });
            }
        }
        add(box, detail);
        add(detail, el('p', 'help', 'Click a head above to see Δ at each position.'));
    });

    function showPositions(detail, t, r, l, h) {
        const deltas = r.position_delta[l][h];
        const n = deltas.length;
        // Position t predicts token t + 1: label each column with the token predicted.
        const labels = deltas.map((_, i) => '→ ' + tokLabel(t.tokens[i + 1]));
        const values = [deltas];
        detail.replaceChildren(heatmap({
            title: 'Without layer ' + l + ' · head ' + h + ': Δ loss at each prediction (Δ of the text ' + fmt(r.delta[l][h]) + ')',
            cls: 'removal-positions', dataset: {layer: l, head: h},
            rowLabels: ['Δ'], colLabels: labels, values: values, range: symmetric(values), cmap: 'diverging',
            cell: n > 24 ? Math.max(10, Math.floor(900 / n)) : 40, showValues: true,
            xTitle: 'predicted token (position t predicts t + 1)', yTitle: '', legendTitle: 'Δ loss (nats)',
            tip: (_, i, v) => 'position ' + i + ' ' + tokLabel(t.tokens[i]) + ' predicting ' + tokLabel(t.tokens[i + 1])
                + '\nΔ loss = ' + fmt(v)
        }));
    }
})();
