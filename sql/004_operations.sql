-- SPDX-License-Identifier: Apache-2.0
--
-- 004_operations.sql: operators' tools for dead letters.
--
--   * pgmq_bus.dead_letters          which dead letters wait, with their error and origin
--   * pgmq_bus.replay_dead_letter(s) a dead letter back onto its subscription's queue, as new
--   * pgmq_bus.purge_dead_letter(s)  dead letters deleted for good
--   * public.bus_*                   the same for an isolated tenant, over its own only
--
-- A dead letter is a message in a dead-letter queue (pgmq_bus.dead_letter put it there) carrying
-- header "x-dead-letter" = {error, queue, msg_id, read_ct, enqueued_at, dead_lettered_at, ...}.
-- Dead-letter queues are "bus_dead_letter" (the isolated backend's, shared by every tenant) and
-- "<prefix>_dlq" (the direct backend's, one per channel prefix). A dead letter belongs to the
-- subscription whose queue its header names; p_owner restricts every function to dead letters in
-- bus_dead_letter whose subscription that role owns (what the tenant wrappers pass: session_user).
--
-- Replaying deletes the dead letter and sends its message and headers, without "x-dead-letter" and
-- with "x-replayed" = {count, at, from_dlq, error}, to the queue it came from, in one
-- transaction: read count and visibility start afresh. A dead letter whose queue is gone stays.
--
-- Requires 002_bus_schema.sql. The tenant wrappers are granted to pgmq_bus_client when
-- 003_isolated.sql is installed: apply this script after 003 (again, if 003 was applied later).
-- Run it as the role that ran 003: the wrappers run as their owner.
--
-- Apply:   psql -v ON_ERROR_STOP=1 -d <database> -f sql/004_operations.sql
--
-- Idempotent: running it again changes nothing. It runs in one transaction.

BEGIN;

SET LOCAL client_min_messages = warning;

DO $$
BEGIN
    IF pg_catalog.to_regprocedure('pgmq_bus.dead_letter(text,bigint,text,text,jsonb)') IS NULL THEN
        RAISE EXCEPTION 'pgmq_bus is not installed: apply 002_bus_schema.sql first' USING ERRCODE = '3F000';
    END IF;
    -- the same guard as 003's, for the wrappers created here in schema public
    IF pg_catalog.to_regprocedure('public.bus_subscription_stats()') IS NOT NULL
       AND (pg_catalog.has_schema_privilege('public', 'public', 'CREATE')
            OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pgmq_bus_client')
               AND pg_catalog.has_schema_privilege('pgmq_bus_client', 'public', 'CREATE')) THEN
        RAISE EXCEPTION 'schema public allows CREATE to PUBLIC or pgmq_bus_client: a tenant could capture the bus_* wrappers with overloads'
            USING ERRCODE = '42501',
                  HINT = 'run REVOKE CREATE ON SCHEMA public FROM PUBLIC, pgmq_bus_client; then apply 004_operations.sql again';
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Internal helpers (not part of the API)
-- ---------------------------------------------------------------------------------------------

-- A header value as an integer, or NULL when it is not one (headers come from any PGMQ client).
CREATE OR REPLACE FUNCTION pgmq_bus._as_integer(p_value text)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_value ~ '^[0-9]{1,9}$' THEN
        RETURN p_value::integer;
    END IF;
    RETURN NULL;
END
$$;

-- A header value as a time, or NULL when it is not one.
CREATE OR REPLACE FUNCTION pgmq_bus._as_timestamptz(p_value text)
RETURNS timestamptz
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN p_value::timestamptz;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END
$$;

-- Whether p_queue is a dead-letter queue that p_owner may look into: bus_dead_letter, and for the
-- direct role (p_owner NULL) also <prefix>_dlq. The name is canonical (pgmq_bus._queue_name).
CREATE OR REPLACE FUNCTION pgmq_bus._is_dead_letter_queue(p_queue text, p_owner name)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_queue = 'bus_dead_letter' OR (p_owner IS NULL AND p_queue ~ '_dlq$')
$$;

-- The dead letters matching every filter given (NULL: any), oldest first per dead-letter queue.
-- Channel and subscription name come from the registry, else from what the dead-lettering
-- recorded (the isolated backend records both); p_owner also requires the registry row.
CREATE OR REPLACE FUNCTION pgmq_bus._dead_letter_rows(
    p_owner name, p_channel text, p_subscription text, p_error_like text, p_older_than interval)
RETURNS TABLE(dead_letter_queue text, msg_id bigint, queue_name text, channel text, subscription_name text,
              error text, read_ct integer, enqueued_at timestamptz, dead_lettered_at timestamptz,
              message jsonb, headers jsonb)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_dlq text;
BEGIN
    FOR v_dlq IN
        SELECT l.queue_name::text FROM pgmq.list_queues() l
         WHERE pgmq_bus._is_dead_letter_queue(l.queue_name::text, p_owner)
           AND pgmq_bus._queue_exists(l.queue_name::text)
         ORDER BY 1
    LOOP
        RETURN QUERY EXECUTE pg_catalog.format(
            'SELECT $6, q.msg_id, d.dl ->> ''queue'',
                    coalesce(s.channel, d.dl ->> ''channel''),
                    coalesce(s.subscription_name, d.dl ->> ''subscription''),
                    d.dl ->> ''error'',
                    pgmq_bus._as_integer(d.dl ->> ''read_ct''),
                    pgmq_bus._as_timestamptz(d.dl ->> ''enqueued_at''),
                    coalesce(pgmq_bus._as_timestamptz(d.dl ->> ''dead_lettered_at''), q.enqueued_at),
                    q.message, q.headers
               FROM pgmq.%I q
               CROSS JOIN LATERAL (SELECT q.headers -> ''x-dead-letter'' AS dl) d
               LEFT JOIN pgmq_bus.subscription s ON s.queue_name = d.dl ->> ''queue''
              WHERE pg_catalog.jsonb_typeof(d.dl) = ''object''
                AND ($1::name IS NULL OR s.owner = $1)
                AND ($2::text IS NULL OR coalesce(s.channel, d.dl ->> ''channel'') = $2)
                AND ($3::text IS NULL OR coalesce(s.subscription_name, d.dl ->> ''subscription'') = $3)
                AND ($4::text IS NULL OR (d.dl ->> ''error'') LIKE $4)
                AND ($5::interval IS NULL OR q.enqueued_at < pg_catalog.now() - $5)
              ORDER BY q.msg_id', 'q_' || v_dlq)
            USING p_owner, p_channel, p_subscription, p_error_like, p_older_than, v_dlq;
    END LOOP;
END
$$;

-- Replays dead letter p_msg_id of p_dlq (a canonical dead-letter queue name that exists) when it
-- is one of p_owner's (any, when NULL) and its queue still exists. Returns 1 when replayed, else 0.
-- The row is locked first (with p_skip_locked, one locked by another transaction is left to it),
-- so that two replays of one dead letter send it once; delete and send succeed or fail together.
CREATE OR REPLACE FUNCTION pgmq_bus._replay(p_dlq text, p_msg_id bigint, p_owner name, p_skip_locked boolean)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_message jsonb;
    v_headers jsonb;
    v_dl      jsonb;
    v_target  text;
    v_rows    bigint;
BEGIN
    EXECUTE pg_catalog.format(
        'SELECT q.message, q.headers FROM pgmq.%I q
          WHERE q.msg_id = $1
            AND pg_catalog.jsonb_typeof(q.headers -> ''x-dead-letter'') = ''object''
            AND ($2::name IS NULL OR EXISTS (
                    SELECT 1 FROM pgmq_bus.subscription s
                     WHERE s.queue_name = q.headers -> ''x-dead-letter'' ->> ''queue'' AND s.owner = $2))
            FOR UPDATE OF q' || CASE WHEN p_skip_locked THEN ' SKIP LOCKED' ELSE '' END, 'q_' || p_dlq)
       INTO v_message, v_headers
      USING p_msg_id, p_owner;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
        RETURN 0;
    END IF;

    v_dl := v_headers -> 'x-dead-letter';
    v_target := v_dl ->> 'queue';
    IF v_target IS NULL OR v_target !~ '^[a-z0-9_]{1,47}$' OR v_target = p_dlq THEN
        RETURN 0;
    END IF;
    -- the queue's lifetime lock, shared as a publisher holds it: leave and reap cannot drop the
    -- queue until this transaction ends, and one dropped before is seen as gone (fresh snapshot)
    PERFORM pg_catalog.pg_advisory_xact_lock_shared(72907202, pg_catalog.hashtext(v_target));
    IF NOT pgmq_bus._queue_exists(v_target) THEN
        RETURN 0;
    END IF;

    v_headers := (v_headers - 'x-dead-letter')
              || pg_catalog.jsonb_build_object('x-replayed', pg_catalog.jsonb_build_object(
                     'count', coalesce(pgmq_bus._as_integer(v_headers -> 'x-replayed' ->> 'count'), 0) + 1,
                     'at', pg_catalog.now(),
                     'from_dlq', p_dlq,
                     'error', v_dl -> 'error'));
    BEGIN
        EXECUTE pg_catalog.format('DELETE FROM pgmq.%I WHERE msg_id = $1', 'q_' || p_dlq) USING p_msg_id;
        PERFORM pgmq.send(v_target, v_message, v_headers, 0);
    EXCEPTION WHEN undefined_table THEN
        -- dropped by someone the lock does not stop (or seen with an older snapshot than the
        -- drop's, outside READ COMMITTED): the dead letter stays where it is
        RETURN 0;
    END;
    RETURN 1;
END
$$;

-- The canonical name of a dead-letter queue p_owner may use, or NULL (no such queue, or none of
-- p_owner's: the same answer). Rejects a malformed name or a NULL id.
CREATE OR REPLACE FUNCTION pgmq_bus._dead_letter_queue(p_dlq text, p_msg_id bigint, p_owner name)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_dlq text := pgmq_bus._queue_name(p_dlq);
BEGIN
    IF p_msg_id IS NULL THEN
        RAISE EXCEPTION 'a dead letter''s message id must be given' USING ERRCODE = '22023';
    END IF;
    IF NOT pgmq_bus._is_dead_letter_queue(v_dlq, p_owner) OR NOT pgmq_bus._queue_exists(v_dlq) THEN
        RETURN NULL;
    END IF;
    RETURN v_dlq;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The direct role's functions (p_owner: only that role's dead letters, as a tenant sees them)
-- ---------------------------------------------------------------------------------------------

-- One row per dead letter waiting: its dead-letter queue and id there, the queue it came from, that
-- queue's channel and subscription name (NULL when unknown), the error, how often it had been read,
-- when it was first enqueued and when dead-lettered, its message and headers.
CREATE OR REPLACE FUNCTION pgmq_bus.dead_letters(
    p_owner name DEFAULT NULL, p_channel text DEFAULT NULL, p_subscription text DEFAULT NULL)
RETURNS TABLE(dead_letter_queue text, msg_id bigint, queue_name text, channel text, subscription_name text,
              error text, read_ct integer, enqueued_at timestamptz, dead_lettered_at timestamptz,
              message jsonb, headers jsonb)
LANGUAGE sql STABLE
AS $$
    SELECT * FROM pgmq_bus._dead_letter_rows(p_owner, p_channel, p_subscription, NULL, NULL)
$$;

-- Replays one dead letter onto the queue it came from. Returns 1, or 0 when there is no such dead
-- letter (of p_owner's) or its queue is gone (it then stays).
CREATE OR REPLACE FUNCTION pgmq_bus.replay_dead_letter(p_dlq text, p_msg_id bigint, p_owner name DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_dlq text := pgmq_bus._dead_letter_queue(p_dlq, p_msg_id, p_owner);
BEGIN
    IF v_dlq IS NULL THEN
        RETURN 0;
    END IF;
    RETURN pgmq_bus._replay(v_dlq, p_msg_id, p_owner, false);
END
$$;

-- Replays every dead letter matching the filters given (all, without any): channel, subscription
-- name, error (a LIKE pattern). Those whose queue is gone, or that another transaction is
-- replaying or purging, stay. Returns how many were replayed.
CREATE OR REPLACE FUNCTION pgmq_bus.replay_dead_letters(
    p_owner name DEFAULT NULL, p_channel text DEFAULT NULL, p_subscription text DEFAULT NULL,
    p_error_like text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dlq   text;
    v_id    bigint;
    v_total bigint := 0;
BEGIN
    FOR v_dlq, v_id IN
        SELECT r.dead_letter_queue, r.msg_id
          FROM pgmq_bus._dead_letter_rows(p_owner, p_channel, p_subscription, p_error_like, NULL) r
    LOOP
        v_total := v_total + pgmq_bus._replay(v_dlq, v_id, p_owner, true);
    END LOOP;
    RETURN v_total;
END
$$;

-- Deletes one dead letter. Returns 1, or 0 when there is no such dead letter (of p_owner's).
CREATE OR REPLACE FUNCTION pgmq_bus.purge_dead_letter(p_dlq text, p_msg_id bigint, p_owner name DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_dlq  text := pgmq_bus._dead_letter_queue(p_dlq, p_msg_id, p_owner);
    v_rows integer;
BEGIN
    IF v_dlq IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE pg_catalog.format(
        'DELETE FROM pgmq.%I q
          WHERE q.msg_id = $1
            AND pg_catalog.jsonb_typeof(q.headers -> ''x-dead-letter'') = ''object''
            AND ($2::name IS NULL OR EXISTS (
                    SELECT 1 FROM pgmq_bus.subscription s
                     WHERE s.queue_name = q.headers -> ''x-dead-letter'' ->> ''queue'' AND s.owner = $2))',
        'q_' || v_dlq)
        USING p_msg_id, p_owner;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END
$$;

-- Deletes the dead letters dead-lettered more than p_older_than ago (zero: all) that match the
-- filters given. Returns how many were deleted.
CREATE OR REPLACE FUNCTION pgmq_bus.purge_dead_letters(
    p_older_than interval, p_owner name DEFAULT NULL, p_channel text DEFAULT NULL, p_subscription text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_dlq   text;
    v_ids   bigint[];
    v_rows  bigint;
    v_total bigint := 0;
BEGIN
    IF p_older_than IS NULL OR p_older_than < interval '0' THEN
        RAISE EXCEPTION 'the age of the dead letters to purge must be given, and not negative' USING ERRCODE = '22023';
    END IF;
    FOR v_dlq, v_ids IN
        SELECT r.dead_letter_queue, pg_catalog.array_agg(r.msg_id)
          FROM pgmq_bus._dead_letter_rows(p_owner, p_channel, p_subscription, NULL, p_older_than) r
         GROUP BY 1 ORDER BY 1
    LOOP
        EXECUTE pg_catalog.format('DELETE FROM pgmq.%I WHERE msg_id = ANY ($1)', 'q_' || v_dlq) USING v_ids;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        v_total := v_total + v_rows;
    END LOOP;
    RETURN v_total;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The tenant wrappers: the caller's own dead letters only (those of its subscriptions); another
-- role's answer exactly as one that does not exist (no row, 0).
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION public.bus_dead_letters(p_channel text DEFAULT NULL, p_subscription text DEFAULT NULL)
RETURNS TABLE(dead_letter_queue text, msg_id bigint, queue_name text, channel text, subscription_name text,
              error text, read_ct integer, enqueued_at timestamptz, dead_lettered_at timestamptz,
              message jsonb, headers jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM pgmq_bus.dead_letters(session_user, p_channel, p_subscription)
$$;

CREATE OR REPLACE FUNCTION public.bus_replay_dead_letter(p_dlq text, p_msg_id bigint)
RETURNS integer
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pgmq_bus.replay_dead_letter(p_dlq, p_msg_id, session_user)
$$;

CREATE OR REPLACE FUNCTION public.bus_replay_dead_letters(
    p_channel text DEFAULT NULL, p_subscription text DEFAULT NULL, p_error_like text DEFAULT NULL)
RETURNS bigint
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pgmq_bus.replay_dead_letters(session_user, p_channel, p_subscription, p_error_like)
$$;

CREATE OR REPLACE FUNCTION public.bus_purge_dead_letter(p_dlq text, p_msg_id bigint)
RETURNS integer
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pgmq_bus.purge_dead_letter(p_dlq, p_msg_id, session_user)
$$;

CREATE OR REPLACE FUNCTION public.bus_purge_dead_letters(
    p_older_than interval, p_channel text DEFAULT NULL, p_subscription text DEFAULT NULL)
RETURNS bigint
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pgmq_bus.purge_dead_letters(p_older_than, session_user, p_channel, p_subscription)
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges. The functions of schema pgmq_bus get what the others there have (003 revokes
-- PUBLIC's; without 003 they keep it, and the schema itself is what a role needs granted). The
-- wrappers: nobody's but the owner's, and pgmq_bus_client's once 003 is installed.
-- ---------------------------------------------------------------------------------------------

DO $$
DECLARE
    v_function text;
    v_isolated boolean := pg_catalog.to_regprocedure('public.bus_subscription_stats()') IS NOT NULL
                          AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pgmq_bus_client');
BEGIN
    IF NOT pg_catalog.has_function_privilege('public', 'pgmq_bus.dead_letter(text,bigint,text,text,jsonb)', 'EXECUTE') THEN
        FOREACH v_function IN ARRAY ARRAY[
            'pgmq_bus._as_integer(text)',
            'pgmq_bus._as_timestamptz(text)',
            'pgmq_bus._is_dead_letter_queue(text, name)',
            'pgmq_bus._dead_letter_rows(name, text, text, text, interval)',
            'pgmq_bus._replay(text, bigint, name, boolean)',
            'pgmq_bus._dead_letter_queue(text, bigint, name)',
            'pgmq_bus.dead_letters(name, text, text)',
            'pgmq_bus.replay_dead_letter(text, bigint, name)',
            'pgmq_bus.replay_dead_letters(name, text, text, text)',
            'pgmq_bus.purge_dead_letter(text, bigint, name)',
            'pgmq_bus.purge_dead_letters(interval, name, text, text)']
        LOOP
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_function);
        END LOOP;
    END IF;
    FOREACH v_function IN ARRAY ARRAY[
        'public.bus_dead_letters(text, text)',
        'public.bus_replay_dead_letter(text, bigint)',
        'public.bus_replay_dead_letters(text, text, text)',
        'public.bus_purge_dead_letter(text, bigint)',
        'public.bus_purge_dead_letters(interval, text, text)']
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_function);
        IF v_isolated THEN
            EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO pgmq_bus_client', v_function);
        END IF;
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------

INSERT INTO pgmq_bus.script_version AS v (script, version)
VALUES ('004_operations', 1)
ON CONFLICT (script) DO UPDATE
   SET version = EXCLUDED.version, applied_at = now()
 WHERE v.version IS DISTINCT FROM EXCLUDED.version;

COMMIT;
