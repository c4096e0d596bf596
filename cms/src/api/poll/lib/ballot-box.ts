import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** One reader's vote, checked against the poll's settings and waiting to be counted. */
export interface Ballot {
  pollDocumentId: string;
  optionId: number;
  /** Every option of the poll: the counts returned to the voter cover them all. */
  pollOptionIds: number[];
  voterKey: string;
  clientKey: string;
}

export type BallotResult =
  | { counted: true; counts: Map<number, number> }
  /** The reader had voted already; `option` is what they chose then (null if not known, or not theirs to know). */
  | { counted: false; option: number | null };

const VOTES_TABLE = 'poll_votes';
const OPTIONS_TABLE = 'components_poll_options';
/** Votes per batch: on SQLite, 7 bindings each stays far below its binding limit. */
const MAX_BATCH = 500;

type Row = Ballot & { rowId: string };

/**
 * The PostgreSQL batch: ballots arrive as arrays, so the text is the same for any batch size and
 * runs as a named prepared statement, parsed and planned once per connection. (A VALUES list per
 * batch size cost PostgreSQL ~0.4 ms of planning per vote when votes came in small batches.)
 */
const CAST_VOTES_SQL = `
  WITH ballot AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[])
      AS b (document_id, poll_document_id, option_id, voter_key, client_key)
  ),
  inserted AS (
    INSERT INTO ${VOTES_TABLE} (document_id, poll_document_id, option_id, voter_key, client_key, created_at, updated_at)
    SELECT document_id, poll_document_id, option_id, voter_key, client_key, now(), now() FROM ballot
    ON CONFLICT DO NOTHING
    RETURNING document_id, option_id
  ),
  tally AS (SELECT option_id, count(*) AS n FROM inserted GROUP BY option_id),
  locked AS (
    SELECT id FROM ${OPTIONS_TABLE} WHERE id IN (SELECT option_id FROM tally) ORDER BY id FOR UPDATE
  ),
  counted AS (
    UPDATE ${OPTIONS_TABLE} AS o SET votes = COALESCE(o.votes, 0) + tally.n
    FROM tally JOIN locked ON locked.id = tally.option_id WHERE o.id = tally.option_id
    RETURNING o.id, o.votes
  )
  SELECT document_id AS row_id, NULL::integer AS id, NULL::integer AS votes FROM inserted
  UNION ALL SELECT NULL, id, votes FROM counted
  UNION ALL SELECT NULL, id, votes FROM ${OPTIONS_TABLE}
    WHERE id = ANY($6::integer[]) AND id NOT IN (SELECT id FROM counted)`;

/** The part of knex's PostgreSQL client used to run a named statement on a pooled connection. */
interface PgPool {
  acquireConnection(): Promise<{
    query(q: { name: string; text: string; values: unknown[] }): Promise<{
      rows: { row_id: string | null; id: number | null; votes: number | null }[];
    }>;
  }>;
  releaseConnection(connection: unknown): Promise<void>;
}
interface Written {
  /** The row ids of the ballots counted (the others were duplicates). */
  inserted: Set<string>;
  /** Every option's count right after the batch. */
  counts: Map<number, number>;
}

interface Waiting {
  row: Row;
  resolve(result: BallotResult): void;
  reject(error: unknown): void;
}

/**
 * Counts votes in group commits. Every vote still gets its own ledger row (unique per reader and
 * poll, by cookie and by client hash) and counts exactly once, but the votes that arrive while a
 * batch is being written are written together in the next one:
 *
 *   INSERT … ON CONFLICT DO NOTHING RETURNING   ledger rows; a duplicate is simply not inserted
 *   UPDATE options SET votes = votes + n          one atomic increment per option, by the rows inserted
 *   SELECT id, votes                              the counts each voter is shown
 *
 * One vote per transaction made every vote queue for the lock on its option's counter row (and
 * for a commit); a batch takes that lock once. If the transaction fails, none of its votes is
 * counted and every one of them gets the error, so a reader who retries loses nothing.
 */
export class BallotBox {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly knex: () => Knex) {}

  cast(ballot: Ballot): Promise<BallotResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row: { ...ballot, rowId: randomUUID().replace(/-/g, '').slice(0, 24) }, resolve, reject });
      // setImmediate: the votes already read off the sockets in this turn join the same batch.
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain() {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const results = await this.writeRetrying(batch.map((w) => w.row));
        batch.forEach((w, i) => w.resolve(results[i]));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.writing = false;
  }

  /**
   * A batch that lost a deadlock (an editor saving the poll with its options reordered locks the
   * same rows in another order) or a serialization conflict was rolled back whole: it is written
   * again, a few times, before its voters get the error.
   */
  private async writeRetrying(rows: Row[], attempts = 4): Promise<BallotResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.write(rows);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
      }
    }
  }

  private async write(ballots: Row[]): Promise<BallotResult[]> {
    const optionIds = [...new Set(ballots.flatMap((b) => b.pollOptionIds))];
    const { inserted, counts } =
      this.knex().client.dialect === 'postgresql'
        ? await this.writeOneStatement(ballots, optionIds)
        : await this.writeTransaction(ballots, optionIds);

    const duplicates = ballots.filter((b) => !inserted.has(b.rowId));
    const earlier = duplicates.length ? await this.earlierChoices(duplicates) : [];
    return ballots.map((b) => {
      if (inserted.has(b.rowId)) return { counted: true, counts };
      // The earlier choice is told only to the reader who made it (same signed cookie): a reader
      // refused because of their address must not learn what someone else there chose.
      const row = earlier.find((r) => r.voter_key === b.voterKey);
      return { counted: false, option: row ? Number(row.option_id) : null };
    });
  }

  /**
   * PostgreSQL: ledger rows, increments and counts in one statement, which PostgreSQL runs as one
   * transaction (data-modifying CTEs): one round trip and one commit per batch. The counter rows
   * are locked in id order, the order in which an editor's save updates them.
   */
  private async writeOneStatement(ballots: Row[], optionIds: number[]): Promise<Written> {
    const client = this.knex().client as unknown as PgPool;
    const connection = await client.acquireConnection();
    try {
      const { rows } = await connection.query({
        name: 'newsroom_cast_votes',
        text: CAST_VOTES_SQL,
        values: [
          ballots.map((b) => b.rowId),
          ballots.map((b) => b.pollDocumentId),
          ballots.map((b) => b.optionId),
          ballots.map((b) => b.voterKey),
          ballots.map((b) => b.clientKey),
          optionIds,
        ],
      });
      return {
        inserted: new Set(rows.flatMap((r) => (r.row_id ? [r.row_id] : []))),
        counts: new Map(rows.flatMap((r) => (r.id !== null ? [[r.id, Number(r.votes ?? 0)] as const] : []))),
      };
    } finally {
      await client.releaseConnection(connection);
    }
  }

  /** SQLite (and any other database): the same three steps in one transaction. */
  private async writeTransaction(ballots: Row[], optionIds: number[]): Promise<Written> {
    const now = new Date();
    return this.knex().transaction(async (trx) => {
      const rows: { document_id: string; option_id: number }[] = await trx(VOTES_TABLE)
        .insert(
          ballots.map((b) => ({
            document_id: b.rowId,
            poll_document_id: b.pollDocumentId,
            option_id: b.optionId,
            voter_key: b.voterKey,
            client_key: b.clientKey,
            created_at: now,
            updated_at: now,
          }))
        )
        .onConflict()
        .ignore()
        .returning(['document_id', 'option_id']);
      const perOption = new Map<number, number>();
      for (const row of rows) perOption.set(row.option_id, (perOption.get(row.option_id) ?? 0) + 1);
      if (perOption.size) {
        // CAST: the count as a number whatever the driver sends it as.
        const cases = [...perOption].map(() => 'WHEN ? THEN CAST(? AS INTEGER)').join(' ');
        await trx(OPTIONS_TABLE)
          .whereIn('id', [...perOption.keys()])
          .update({ votes: trx.raw(`COALESCE(votes, 0) + CASE id ${cases} END`, [...perOption].flat()) });
      }
      const current: { id: number; votes: number | string | null }[] = await trx(OPTIONS_TABLE)
        .select('id', 'votes')
        .whereIn('id', optionIds);
      return {
        inserted: new Set(rows.map((r) => r.document_id)),
        counts: new Map(current.map((o) => [o.id, Number(o.votes ?? 0)])),
      };
    });
  }

  /** What the readers refused as duplicates chose when they first voted. */
  private earlierChoices(ballots: Ballot[]) {
    return this.knex()(VOTES_TABLE)
      .select('voter_key', 'client_key', 'option_id')
      .whereIn(
        'voter_key',
        ballots.map((b) => b.voterKey)
      )
      .orWhereIn(
        'client_key',
        ballots.map((b) => b.clientKey)
      ) as Promise<{ voter_key: string; client_key: string; option_id: number }[]>;
  }
}
