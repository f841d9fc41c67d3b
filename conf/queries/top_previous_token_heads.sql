-- Top previous-token heads: the heads that put the most attention on the token just before the
-- query (head_summary.prev_token, the corpus mean of A[q][q-1]), with their probe score on
-- repeated random tokens for comparison.
SELECT layer, head, prev_token, induction, entropy
FROM head_summary
ORDER BY prev_token DESC, layer, head
LIMIT 10
