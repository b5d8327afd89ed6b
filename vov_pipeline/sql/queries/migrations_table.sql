-- The migration runner's ledger (created before the first migration can run).
create schema if not exists vov_internal;
create table if not exists vov_internal.schema_migrations (
  version    integer     not null,
  name       text        not null,
  checksum   text        not null,
  applied_at timestamptz not null default now(),
  constraint schema_migrations_pkey primary key (version)
);
comment on table vov_internal.schema_migrations is 'Migrations applied to this database: file name, SHA-256 of its text, when.';
