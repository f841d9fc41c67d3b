-- Tokens with the highest saliency: mean gradient norm of the loss with respect to the token's
-- input embedding (token_stats.grad_norm), over tokens seen at least 3 times so that single
-- rare tokens do not fill the list.
SELECT token,
       count(*)                 AS occurrences,
       avg(grad_norm)           AS mean_grad_norm,
       avg(abs(grad_x_input))   AS mean_abs_grad_x_input
FROM token_stats
WHERE grad_norm IS NOT NULL
GROUP BY token
HAVING count(*) >= 3
ORDER BY mean_grad_norm DESC, token
LIMIT 10
