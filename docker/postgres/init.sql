-- Runs once, as the superuser, when the postgres container initialises an empty volume.
-- Mirrors scripts/postgres.sh: an owner role that migrates, an app role that is neither
-- superuser nor table owner (so row-level security applies to it), pgvector and citext in
-- template1 and in the app database.
-- A jobs role for Hangfire that reaches only the hangfire schema (the app's migrator creates and grants it).
-- A backup role for scripts/backup.sh: reads every table past row-level security, writes nothing (docs/backups.md).
-- PUBLIC may not connect to the app database. The tests' BYPASSRLS maintenance role is not created here.
-- Passwords come from the container environment (STARSTUDIO_PG_OWNER_PASSWORD, STARSTUDIO_PG_APP_PASSWORD,
-- STARSTUDIO_PG_JOBS_PASSWORD, STARSTUDIO_PG_BACKUP_PASSWORD, set in docker-compose.yml); the defaults match the local
-- scripts.

\set owner_password `echo "${STARSTUDIO_PG_OWNER_PASSWORD:-starstudio_owner}"`
\set app_password `echo "${STARSTUDIO_PG_APP_PASSWORD:-starstudio_app}"`
\set jobs_password `echo "${STARSTUDIO_PG_JOBS_PASSWORD:-starstudio_jobs}"`
\set backup_password `echo "${STARSTUDIO_PG_BACKUP_PASSWORD:-starstudio_backup}"`

CREATE ROLE starstudio_owner WITH LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE starstudio_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
CREATE ROLE starstudio_jobs WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'jobs_password';
CREATE ROLE starstudio_backup WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD :'backup_password';
GRANT pg_read_all_data TO starstudio_backup;

\connect template1
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;
GRANT USAGE ON SCHEMA public TO starstudio_app;
GRANT CREATE ON SCHEMA public TO starstudio_owner;

\connect postgres
CREATE DATABASE starstudio OWNER starstudio_owner;
REVOKE ALL ON DATABASE starstudio FROM PUBLIC;
GRANT CONNECT ON DATABASE starstudio TO starstudio_app, starstudio_jobs, starstudio_backup;

\connect starstudio
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;
GRANT USAGE ON SCHEMA public TO starstudio_app;
GRANT CREATE ON SCHEMA public TO starstudio_owner;
