-- Heads whose importance and induction score disagree: both ranked as percentiles over all heads
-- (importance = mean |head_grad| on the corpus, induction = the repeated-random-token probe);
-- a large positive disagreement is an important head that does not do induction, a large negative
-- one an induction head the corpus loss barely depends on.
WITH ranked AS (
    SELECT layer, head, importance, induction,
           percent_rank() OVER (ORDER BY importance) AS importance_rank,
           percent_rank() OVER (ORDER BY induction)  AS induction_rank
    FROM head_summary
    WHERE importance IS NOT NULL AND induction IS NOT NULL
)
SELECT layer, head, importance, induction,
       round(importance_rank - induction_rank, 3) AS disagreement
FROM ranked
ORDER BY abs(importance_rank - induction_rank) DESC, layer, head
LIMIT 10
