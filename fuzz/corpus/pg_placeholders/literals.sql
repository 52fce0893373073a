SELECT '?1 it''s', "col?" FROM t WHERE a = ?1 -- ?2 comment
AND b = ?2