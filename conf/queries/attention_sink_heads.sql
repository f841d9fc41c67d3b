-- Attention-sink heads per layer: in each layer the head that sends the most attention to the
-- first token (head_summary.first_token), and how many of the layer's heads send it more than half.
SELECT layer,
       max_by(head, first_token)      AS top_sink_head,
       max(first_token)               AS top_first_token,
       count_if(first_token > 0.5)    AS sink_heads,
       count(*)                       AS heads
FROM head_summary
GROUP BY layer
ORDER BY layer
