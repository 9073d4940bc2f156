-- SPDX-License-Identifier: Apache-2.0
--
-- 001_pgmq_compat.sql: a PGMQ-compatible install in plain SQL and PL/pgSQL, for databases
-- that do not have the PGMQ extension.
--
-- It provides, in schema pgmq, the part of the PGMQ 1.x SQL API that pgmq-bus and its peers
-- use, with PGMQ's function names, argument names, defaults and result types, and PGMQ's table
-- layout (pgmq.meta, pgmq.q_<queue>, pgmq.a_<queue>), so that code written against the real
-- extension runs unchanged on it. It was written from PGMQ's documented API only.
--
-- Apply:   psql -v ON_ERROR_STOP=1 -d <database> -f sql/001_pgmq_compat.sql
--          (then 002_bus_schema.sql and 003_isolated.sql)
--
-- Idempotent: running it again changes nothing (and upgrades the functions in place when a newer
-- version of this file is applied). It runs in one transaction.
--
-- It refuses to run where a schema pgmq exists that is not this install (the real extension, or
-- anything else): a database with the real PGMQ needs nothing from this file. The schema comment
-- 'pgmq-bus compat <version>' marks this install; the resource adapter checks it before applying.
--
-- Queue names follow PGMQ: lower-cased, at most 47 characters; this install also requires them to
-- consist of [a-z0-9_] only, so every table name it builds is a plain identifier. All dynamic SQL
-- quotes identifiers with format('%I') and passes values with USING.
--
-- Advisory lock used here (two-int4 form, transaction scope):
--   (72907201, hashtext(queue))   serialises the creation of one queue (also used by pgmq_bus)

BEGIN;

DO $$
DECLARE
    v_comment text;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'pgmq') THEN
        SELECT pg_catalog.obj_description(n.oid, 'pg_namespace') INTO v_comment
          FROM pg_catalog.pg_namespace n WHERE n.nspname = 'pgmq';
        IF v_comment IS NULL OR v_comment NOT LIKE 'pgmq-bus compat%' THEN
            RAISE EXCEPTION 'schema pgmq already exists and is not the pgmq-bus compat install (the real PGMQ extension?); skip 001_pgmq_compat.sql'
                USING ERRCODE = '42P06';
        END IF;
    END IF;
END
$$;

-- keep re-runs quiet ("already exists, skipping")
SET LOCAL client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS pgmq;
COMMENT ON SCHEMA pgmq IS 'pgmq-bus compat 1';

-- ---------------------------------------------------------------------------------------------
-- Catalogue of queues and result types
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS pgmq.meta (
    queue_name     varchar     UNIQUE NOT NULL,
    is_partitioned boolean     NOT NULL,
    is_unlogged    boolean     NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

DO $$
BEGIN
    IF pg_catalog.to_regtype('pgmq.message_record') IS NULL THEN
        CREATE TYPE pgmq.message_record AS (
            msg_id       bigint,
            read_ct      integer,
            enqueued_at  timestamptz,
            last_read_at timestamptz,
            vt           timestamptz,
            message      jsonb,
            headers      jsonb
        );
    END IF;
    IF pg_catalog.to_regtype('pgmq.queue_record') IS NULL THEN
        CREATE TYPE pgmq.queue_record AS (
            queue_name     varchar,
            is_partitioned boolean,
            is_unlogged    boolean,
            created_at     timestamptz
        );
    END IF;
    IF pg_catalog.to_regtype('pgmq.metrics_result') IS NULL THEN
        CREATE TYPE pgmq.metrics_result AS (
            queue_name           text,
            queue_length         bigint,
            newest_msg_age_sec   integer,
            oldest_msg_age_sec   integer,
            total_messages       bigint,
            scrape_time          timestamptz,
            queue_visible_length bigint
        );
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Queue names
-- ---------------------------------------------------------------------------------------------

-- The canonical form of a queue name (lower-cased), or an error naming the rule it breaks.
-- Not part of PGMQ's API (hence the leading underscore).
CREATE OR REPLACE FUNCTION pgmq._bus_queue_name(queue_name text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    v_name text := pg_catalog.lower(queue_name);
BEGIN
    IF v_name IS NULL OR v_name = '' THEN
        RAISE EXCEPTION 'queue name must not be empty' USING ERRCODE = '22023';
    END IF;
    IF pg_catalog.length(v_name) > 47 THEN
        RAISE EXCEPTION 'queue name "%..." is % characters long; at most 47 are allowed',
            pg_catalog.left(v_name, 47), pg_catalog.length(v_name) USING ERRCODE = '22023';
    END IF;
    IF v_name !~ '^[a-z0-9_]+$' THEN
        RAISE EXCEPTION 'invalid queue name %: only letters, digits and underscores are allowed (names are lower-cased)',
            pg_catalog.quote_literal(v_name) USING ERRCODE = '22023';
    END IF;
    RETURN v_name;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Queue management
-- ---------------------------------------------------------------------------------------------

-- Creates the queue table, its archive and its catalogue row; does nothing for parts that exist.
CREATE OR REPLACE FUNCTION pgmq._bus_create(queue_name text, unlogged boolean)
RETURNS void
LANGUAGE plpgsql
SET client_min_messages = warning   -- no "already exists, skipping" notices on re-creation
AS $$
#variable_conflict use_column
DECLARE
    v_name text := pgmq._bus_queue_name(queue_name);
BEGIN
    -- two sessions creating the same queue at once would otherwise race on the catalogues
    PERFORM pg_catalog.pg_advisory_xact_lock(72907201, pg_catalog.hashtext(v_name));

    EXECUTE format(
        'CREATE %s TABLE IF NOT EXISTS pgmq.%I (
            msg_id       bigint      PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
            read_ct      integer     NOT NULL DEFAULT 0,
            enqueued_at  timestamptz NOT NULL DEFAULT now(),
            last_read_at timestamptz,
            vt           timestamptz NOT NULL,
            message      jsonb,
            headers      jsonb
        )', CASE WHEN unlogged THEN 'UNLOGGED' ELSE '' END, 'q_' || v_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON pgmq.%I (vt ASC)',
        'q_' || v_name || '_vt_idx', 'q_' || v_name);

    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS pgmq.%I (
            msg_id       bigint      PRIMARY KEY,
            read_ct      integer     NOT NULL DEFAULT 0,
            enqueued_at  timestamptz NOT NULL DEFAULT now(),
            last_read_at timestamptz,
            archived_at  timestamptz NOT NULL DEFAULT now(),
            vt           timestamptz NOT NULL,
            message      jsonb,
            headers      jsonb
        )', 'a_' || v_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON pgmq.%I (archived_at)',
        'archived_at_idx_' || v_name, 'a_' || v_name);

    INSERT INTO pgmq.meta (queue_name, is_partitioned, is_unlogged)
    VALUES (v_name, false, unlogged)
    ON CONFLICT (queue_name) DO NOTHING;
END
$$;

CREATE OR REPLACE FUNCTION pgmq.create(queue_name text)
RETURNS void
LANGUAGE sql
AS $$ SELECT pgmq._bus_create(queue_name, false) $$;

CREATE OR REPLACE FUNCTION pgmq.create_non_partitioned(queue_name text)
RETURNS void
LANGUAGE sql
AS $$ SELECT pgmq._bus_create(queue_name, false) $$;

CREATE OR REPLACE FUNCTION pgmq.create_unlogged(queue_name text)
RETURNS void
LANGUAGE sql
AS $$ SELECT pgmq._bus_create(queue_name, true) $$;

-- Drops the queue, its archive and its catalogue row. False when there was no such queue.
CREATE OR REPLACE FUNCTION pgmq.drop_queue(queue_name text)
RETURNS boolean
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_name    text := pgmq._bus_queue_name(queue_name);
    v_existed boolean;
BEGIN
    v_existed := pg_catalog.to_regclass(format('pgmq.%I', 'q_' || v_name)) IS NOT NULL
              OR pg_catalog.to_regclass(format('pgmq.%I', 'a_' || v_name)) IS NOT NULL
              OR EXISTS (SELECT 1 FROM pgmq.meta m WHERE m.queue_name = v_name);
    IF NOT v_existed THEN
        RETURN false;
    END IF;
    EXECUTE format('DROP TABLE IF EXISTS pgmq.%I', 'q_' || v_name);
    EXECUTE format('DROP TABLE IF EXISTS pgmq.%I', 'a_' || v_name);
    DELETE FROM pgmq.meta m WHERE m.queue_name = v_name;
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION pgmq.list_queues()
RETURNS SETOF pgmq.queue_record
LANGUAGE sql STABLE
AS $$
    SELECT m.queue_name, m.is_partitioned, m.is_unlogged, m.created_at
      FROM pgmq.meta m
     ORDER BY m.queue_name
$$;

-- Deletes every message of the queue; returns how many there were.
CREATE OR REPLACE FUNCTION pgmq.purge_queue(queue_name text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_count bigint;
BEGIN
    EXECUTE format('DELETE FROM pgmq.%I', 'q_' || pgmq._bus_queue_name(queue_name));
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Sending. A message becomes visible at vt: now (clock time) plus the delay in seconds, or the
-- given timestamp. Every documented call form resolves to exactly one function: the overloads
-- have no defaults.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay timestamptz)
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'INSERT INTO pgmq.%I (vt, message, headers) VALUES ($1, $2, $3) RETURNING msg_id',
        'q_' || pgmq._bus_queue_name(queue_name))
        USING delay, msg, headers;
END
$$;

-- The form the bus uses on its hot path: implemented directly rather than by delegation.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay integer)
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'INSERT INTO pgmq.%I (vt, message, headers) VALUES (clock_timestamp() + $1 * interval ''1 second'', $2, $3) RETURNING msg_id',
        'q_' || pgmq._bus_queue_name(queue_name))
        USING delay, msg, headers;
END
$$;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb)
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send(queue_name, msg, NULL::jsonb, 0) $$;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb)
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send(queue_name, msg, headers, 0) $$;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay integer)
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send(queue_name, msg, NULL::jsonb, delay) $$;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send(queue_name, msg, NULL::jsonb, delay) $$;

-- Batches: msgs[i] gets headers[i]; headers, when given, must have one entry per message.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay timestamptz)
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    IF headers IS NOT NULL
       AND pg_catalog.cardinality(headers) <> coalesce(pg_catalog.cardinality(msgs), 0) THEN
        RAISE EXCEPTION 'send_batch: % headers given for % messages; give one per message or none',
            pg_catalog.cardinality(headers), coalesce(pg_catalog.cardinality(msgs), 0)
            USING ERRCODE = '22023';
    END IF;
    RETURN QUERY EXECUTE format(
        'INSERT INTO pgmq.%I (vt, message, headers)
         SELECT $1, m.msg, ($3)[m.ord]
           FROM unnest($2) WITH ORDINALITY AS m(msg, ord)
          ORDER BY m.ord
         RETURNING msg_id',
        'q_' || pgmq._bus_queue_name(queue_name))
        USING delay, msgs, headers;
END
$$;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay integer)
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send_batch(queue_name, msgs, headers, clock_timestamp() + delay * interval '1 second') $$;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[])
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send_batch(queue_name, msgs, NULL::jsonb[], clock_timestamp()) $$;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[])
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send_batch(queue_name, msgs, headers, clock_timestamp()) $$;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay integer)
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send_batch(queue_name, msgs, NULL::jsonb[], clock_timestamp() + delay * interval '1 second') $$;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql
AS $$ SELECT * FROM pgmq.send_batch(queue_name, msgs, NULL::jsonb[], delay) $$;

-- ---------------------------------------------------------------------------------------------
-- Reading
-- ---------------------------------------------------------------------------------------------

-- Reads up to qty visible messages (oldest first), skipping rows other readers hold, and hides
-- them for vt seconds; read_ct counts the reads. conditional filters by containment
-- (message @> conditional); the default '{}' filters nothing.
CREATE OR REPLACE FUNCTION pgmq.read(queue_name text, vt integer, qty integer, conditional jsonb DEFAULT '{}')
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $$
DECLARE
    v_table  text := 'q_' || pgmq._bus_queue_name(queue_name);
    v_filter text := '';
BEGIN
    IF conditional IS NOT NULL AND conditional <> '{}'::jsonb THEN
        v_filter := 'AND message @> $3';
    END IF;
    RETURN QUERY EXECUTE format(
        'WITH picked AS (
             SELECT msg_id FROM pgmq.%1$I
              WHERE vt <= clock_timestamp() %2$s
              ORDER BY msg_id
              LIMIT $1
                FOR UPDATE SKIP LOCKED
         ), updated AS (
             UPDATE pgmq.%1$I q
                SET vt = clock_timestamp() + $2 * interval ''1 second'',
                    read_ct = q.read_ct + 1,
                    last_read_at = clock_timestamp()
               FROM picked
              WHERE q.msg_id = picked.msg_id
          RETURNING q.msg_id, q.read_ct, q.enqueued_at, q.last_read_at, q.vt, q.message, q.headers
         )
         SELECT * FROM updated ORDER BY msg_id', v_table, v_filter)
        USING qty, vt, conditional;
END
$$;

-- Like read, but when nothing is visible keeps trying every poll_interval_ms for up to
-- max_poll_seconds before returning nothing.
CREATE OR REPLACE FUNCTION pgmq.read_with_poll(
    queue_name text,
    vt integer,
    qty integer,
    max_poll_seconds integer DEFAULT 5,
    poll_interval_ms integer DEFAULT 100,
    conditional jsonb DEFAULT '{}'
)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $$
DECLARE
    v_stop timestamptz := clock_timestamp() + coalesce(max_poll_seconds, 0) * interval '1 second';
BEGIN
    LOOP
        RETURN QUERY SELECT * FROM pgmq.read(queue_name, vt, qty, conditional);
        IF FOUND OR clock_timestamp() >= v_stop THEN
            RETURN;
        END IF;
        PERFORM pg_catalog.pg_sleep(greatest(coalesce(poll_interval_ms, 100), 1) / 1000.0);
    END LOOP;
END
$$;

-- Deletes and returns up to qty visible messages, oldest first (at-most-once delivery).
-- PGMQ 1.5 has pop(queue_name); later versions added qty with default 1: both call forms work.
CREATE OR REPLACE FUNCTION pgmq.pop(queue_name text, qty integer DEFAULT 1)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'WITH picked AS (
             SELECT msg_id FROM pgmq.%1$I
              WHERE vt <= clock_timestamp()
              ORDER BY msg_id
              LIMIT $1
                FOR UPDATE SKIP LOCKED
         ), deleted AS (
             DELETE FROM pgmq.%1$I q
              USING picked
              WHERE q.msg_id = picked.msg_id
          RETURNING q.msg_id, q.read_ct, q.enqueued_at, q.last_read_at, q.vt, q.message, q.headers
         )
         SELECT * FROM deleted ORDER BY msg_id', 'q_' || pgmq._bus_queue_name(queue_name))
        USING qty;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Acknowledging
-- ---------------------------------------------------------------------------------------------

-- Moves one message to the archive; false when it is not in the queue.
CREATE OR REPLACE FUNCTION pgmq.archive(queue_name text, msg_id bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_name text := pgmq._bus_queue_name(queue_name);
    v_id   bigint;
BEGIN
    EXECUTE format(
        'WITH moved AS (
             DELETE FROM pgmq.%I WHERE msg_id = $1
          RETURNING msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers
         )
         INSERT INTO pgmq.%I (msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers)
         SELECT msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers FROM moved
         RETURNING msg_id', 'q_' || v_name, 'a_' || v_name)
        INTO v_id
        USING msg_id;
    RETURN v_id IS NOT NULL;
END
$$;

-- Moves the messages to the archive; returns the ids that were in the queue.
CREATE OR REPLACE FUNCTION pgmq.archive(queue_name text, msg_ids bigint[])
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_name text := pgmq._bus_queue_name(queue_name);
BEGIN
    RETURN QUERY EXECUTE format(
        'WITH moved AS (
             DELETE FROM pgmq.%I WHERE msg_id = ANY ($1)
          RETURNING msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers
         )
         INSERT INTO pgmq.%I (msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers)
         SELECT msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers FROM moved
         RETURNING msg_id', 'q_' || v_name, 'a_' || v_name)
        USING msg_ids;
END
$$;

-- Deletes one message; false when it is not in the queue.
CREATE OR REPLACE FUNCTION pgmq.delete(queue_name text, msg_id bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    EXECUTE format('DELETE FROM pgmq.%I WHERE msg_id = $1 RETURNING msg_id',
        'q_' || pgmq._bus_queue_name(queue_name))
        INTO v_id
        USING msg_id;
    RETURN v_id IS NOT NULL;
END
$$;

-- Deletes the messages; returns the ids that were in the queue.
CREATE OR REPLACE FUNCTION pgmq.delete(queue_name text, msg_ids bigint[])
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY EXECUTE format('DELETE FROM pgmq.%I WHERE msg_id = ANY ($1) RETURNING msg_id',
        'q_' || pgmq._bus_queue_name(queue_name))
        USING msg_ids;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Visibility
-- ---------------------------------------------------------------------------------------------

-- Makes a message visible again at the given time; returns it (no row when it is not there).
CREATE OR REPLACE FUNCTION pgmq.set_vt(queue_name text, msg_id bigint, vt timestamptz)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'UPDATE pgmq.%I SET vt = $2 WHERE msg_id = $1
         RETURNING msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers',
        'q_' || pgmq._bus_queue_name(queue_name))
        USING msg_id, vt;
END
$$;

-- Makes a message visible again vt seconds from now; returns it (no row when it is not there).
CREATE OR REPLACE FUNCTION pgmq.set_vt(queue_name text, msg_id bigint, vt integer)
RETURNS SETOF pgmq.message_record
LANGUAGE sql
AS $$ SELECT * FROM pgmq.set_vt(queue_name, msg_id, clock_timestamp() + vt * interval '1 second') $$;

CREATE OR REPLACE FUNCTION pgmq.set_vt(queue_name text, msg_ids bigint[], vt timestamptz)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'UPDATE pgmq.%I SET vt = $2 WHERE msg_id = ANY ($1)
         RETURNING msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers',
        'q_' || pgmq._bus_queue_name(queue_name))
        USING msg_ids, vt;
END
$$;

CREATE OR REPLACE FUNCTION pgmq.set_vt(queue_name text, msg_ids bigint[], vt integer)
RETURNS SETOF pgmq.message_record
LANGUAGE sql
AS $$ SELECT * FROM pgmq.set_vt(queue_name, msg_ids, clock_timestamp() + vt * interval '1 second') $$;

-- ---------------------------------------------------------------------------------------------
-- Metrics
-- ---------------------------------------------------------------------------------------------

-- total_messages is the last msg_id handed out (every message ever sent to the queue).
CREATE OR REPLACE FUNCTION pgmq.metrics(queue_name text)
RETURNS pgmq.metrics_result
LANGUAGE plpgsql
AS $$
DECLARE
    v_name   text := pgmq._bus_queue_name(queue_name);
    v_table  text := format('pgmq.%I', 'q_' || v_name);
    v_result pgmq.metrics_result;
BEGIN
    EXECUTE format(
        'SELECT $1::text,
                count(*)::bigint,
                extract(epoch FROM now() - max(enqueued_at))::integer,
                extract(epoch FROM now() - min(enqueued_at))::integer,
                coalesce(pg_catalog.pg_sequence_last_value(pg_catalog.pg_get_serial_sequence($2, ''msg_id'')::regclass), 0)::bigint,
                now(),
                (count(*) FILTER (WHERE vt <= clock_timestamp()))::bigint
           FROM %s', v_table)
        INTO v_result
        USING v_name, v_table;
    RETURN v_result;
END
$$;

CREATE OR REPLACE FUNCTION pgmq.metrics_all()
RETURNS SETOF pgmq.metrics_result
LANGUAGE plpgsql
AS $$
DECLARE
    v_queue text;
BEGIN
    FOR v_queue IN SELECT m.queue_name FROM pgmq.meta m ORDER BY m.queue_name LOOP
        RETURN NEXT pgmq.metrics(v_queue);
    END LOOP;
END
$$;

COMMIT;
