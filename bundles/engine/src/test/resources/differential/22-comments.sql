-- Comments where clients put them: before a statement (ORMs tag queries so), inside it, nested
-- (PostgreSQL nests block comments; the SQL standard's parser in the engine does not).
/* a tag */ CREATE TABLE c (id INTEGER, v TEXT);
/* one */ /* two */ INSERT INTO c VALUES (1, 'a'), (2, 'b'), (3, 'c');
/* nested /* inner */ still a comment */ UPDATE c SET v = 'B' WHERE id = 2;
/**/DELETE FROM c WHERE id = 3;
SELECT /* in the middle */ id, v FROM c /* and /* nested */ here */ ORDER BY id;
/* outer /* inner /* innermost */ */ */ SELECT count(*) FROM c;
SELECT '/* not a comment */' AS s, id FROM c WHERE v <> '*/' ORDER BY id;
SELECT "v" /* a comment after a quoted identifier */ FROM c WHERE id = 1;
SELECT 1 /* a comment with a ; inside */ + 1 AS two;
/* an unterminated comment
SELECT 1;
