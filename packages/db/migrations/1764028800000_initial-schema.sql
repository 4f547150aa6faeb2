-- Up Migration

-- What the web app stores. An image row is the web app's reference to an uploaded original: an object
-- under uploads/ with no row here is an orphan (uploaded, never attached) once it is older than the grace period.
CREATE TABLE posts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id    text        NOT NULL,
  title       text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE images (
  -- The S3 key of the original (uploads/YYYY/MM/DD/<ulid>.<ext>). COLLATE "C" makes ORDER BY key match
  -- S3's byte order, which the orphan-cleanup merge walk depends on.
  key           text COLLATE "C" PRIMARY KEY CHECK (key LIKE 'uploads/%'),
  post_id       bigint      REFERENCES posts (id) ON DELETE SET NULL,
  owner_id      text        NOT NULL,
  content_type  text        NOT NULL,
  bytes         bigint      NOT NULL CHECK (bytes >= 0),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX images_post_id_idx ON images (post_id);
CREATE INDEX images_created_at_idx ON images (created_at);

-- One row per orphan-cleanup run (a run may span several invocations), so daily-stats can count deletions.
CREATE TABLE cleanup_runs (
  run_id         text        PRIMARY KEY,
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz,
  dry_run        boolean     NOT NULL,
  status         text        NOT NULL CHECK (status IN ('running', 'completed', 'stopped', 'failed')),
  scanned        integer     NOT NULL DEFAULT 0,
  deleted        integer     NOT NULL DEFAULT 0,
  report         jsonb
);
CREATE INDEX cleanup_runs_finished_at_idx ON cleanup_runs (finished_at);

-- One row per day (in the stack's time zone); re-running a day replaces its row.
CREATE TABLE daily_stats (
  day               date        PRIMARY KEY,
  time_zone         text        NOT NULL,
  uploads           integer     NOT NULL,
  upload_bytes      bigint      NOT NULL,
  uploads_by_type   jsonb       NOT NULL,
  bytes_by_type     jsonb       NOT NULL,
  variants          integer     NOT NULL,
  quarantined       integer     NOT NULL,
  orphans_deleted   integer     NOT NULL,
  computed_at       timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE daily_stats;
DROP TABLE cleanup_runs;
DROP TABLE images;
DROP TABLE posts;
