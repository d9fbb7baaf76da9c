-- Runs once, when the postgres volume is created: the KAS database and the small selvbetjening database, each with
-- its own user. `kas` may create databases so that `TEST=true` can run the test suite against this server.
CREATE USER kas WITH PASSWORD 'kas' CREATEDB;
CREATE DATABASE kas OWNER kas;
CREATE USER selvbetjening WITH PASSWORD 'selvbetjening';
CREATE DATABASE selvbetjening OWNER selvbetjening;
