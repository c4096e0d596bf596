import type { Core } from '@strapi/strapi';
import { abilityOf, mayPublish } from '../documents/desk';

const ARTICLE = 'api::article.article';

/** Key of the PostgreSQL advisory lock (and MySQL named lock) the CMS processes take turns on. */
const LOCK_KEY = 0x4e575331; // "NWS1"
const LOCK_NAME = 'newsroom.scheduled-publishing';

/** Due items handled per sweep; more wait for the next one (a few seconds later). */
const BATCH = 50;

interface DueRow {
  id: number;
  documentId: string;
  publishAt: string | Date | null;
  unpublishAt: string | Date | null;
  publicationDate: string | Date | null;
  scheduledBy: number | null;
}

export interface SweepResult {
  /** false: another CMS process held the turn; it does the work. */
  ran: boolean;
  published: string[];
  unpublished: string[];
  failed: { documentId: string; action: 'publish' | 'unpublish'; error: string }[];
}

const time = (v: string | Date | null) => (v ? new Date(v).getTime() : null);

/**
 * Runs `work` only if no other CMS process is running it: with several CMS processes on one
 * PostgreSQL (or MySQL) database, the database decides, with a lock that goes away with the
 * connection should a process die mid-turn. SQLite is one process by nature.
 */
async function exclusively(strapi: Core.Strapi, work: () => Promise<void>): Promise<boolean> {
  const knex = strapi.db.connection;
  const client = strapi.db.dialect.client;
  if (client === 'postgres') {
    return knex.transaction(async (trx) => {
      const { rows } = await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS ok', [LOCK_KEY]);
      if (!rows[0]?.ok) return false;
      await work();
      return true;
    });
  }
  if (client === 'mysql') {
    return knex.transaction(async (trx) => {
      const [rows] = await trx.raw('SELECT GET_LOCK(?, 0) AS ok', [LOCK_NAME]);
      if (Number(rows[0]?.ok) !== 1) return false;
      try {
        await work();
      } finally {
        await trx.raw('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
      }
      return true;
    });
  }
  await work();
  return true;
}

/**
 * Scheduled publishing. Every few seconds (and at start: a CMS that was down at the due time
 * catches up) one CMS process publishes the drafts whose "Hẹn giờ xuất bản" (publishAt) has come
 * and unpublishes the stories whose "Hẹn giờ gỡ bài" (unpublishAt) has, through the Document
 * Service: webhooks, slugs and publication rules behave exactly as for a click. The date readers
 * see (publicationDate) is the scheduled time when the editor set none. The rules in
 * documents/schedule.ts clear each field as its action happens, inside the turn, so an item is
 * acted on once however many processes sweep.
 */
export class ScheduledPublishing {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<SweepResult> | undefined;
  /** Failures already logged (document + the time it was due), so a failing item is logged once per schedule. */
  private reported = new Set<string>();

  constructor(
    private readonly strapi: Core.Strapi,
    private readonly intervalMs: number,
    private readonly now: () => Date = () => new Date()
  ) {}

  start() {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  async stop() {
    clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  /** One turn; concurrent calls in this process share it. */
  sweep(): Promise<SweepResult> {
    this.sweeping ??= this.turn().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async turn(): Promise<SweepResult> {
    const result: SweepResult = { ran: false, published: [], unpublished: [], failed: [] };
    try {
      result.ran = await exclusively(this.strapi, () => this.due(result));
    } catch (error) {
      this.strapi.log.error(`Scheduled publishing: the sweep failed: ${(error as Error).message}`);
    }
    return result;
  }

  private async due(result: SweepResult) {
    const now = this.now();
    const rows: DueRow[] = await this.strapi.db.query(ARTICLE).findMany({
      select: ['id', 'documentId', 'publishAt', 'unpublishAt', 'publicationDate', 'scheduledBy'],
      where: { publishedAt: null, $or: [{ publishAt: { $lte: now } }, { unpublishAt: { $lte: now } }] },
      orderBy: { id: 'asc' },
      limit: BATCH,
    });
    for (const row of rows) {
      const publishDue = time(row.publishAt) !== null && time(row.publishAt)! <= now.getTime();
      const unpublishDue = time(row.unpublishAt) !== null && time(row.unpublishAt)! <= now.getTime();
      // Both times passed while no CMS ran: the story was meant to be down by now. It is not put
      // up for a moment only to be taken down.
      if (publishDue && !unpublishDue) await this.publish(row, result);
      else if (publishDue) await this.clear(row, 'publishAt');
      if (unpublishDue) await this.unpublish(row, result);
    }
  }

  /**
   * A schedule acts on behalf of the admin who set it: at the due time that person must still be
   * allowed to publish the story as it then stands (a section editor's story moved to another
   * section, a reporter's role, a blocked account…). Why not, in Vietnamese; null: allowed.
   */
  private async refusal(row: DueRow, status: 'draft' | 'published'): Promise<string | null> {
    if (row.scheduledBy == null) return null;
    const ability = await abilityOf(this.strapi, row.scheduledBy);
    if (!ability) return `tài khoản đã hẹn giờ (#${row.scheduledBy}) không còn hoạt động`;
    if (!(await mayPublish(this.strapi, ability, row.documentId, status))) {
      return `người hẹn giờ (tài khoản #${row.scheduledBy}) không có quyền ${status === 'draft' ? 'xuất bản' : 'gỡ'} bài này`;
    }
    return null;
  }

  private async publish(row: DueRow, result: SweepResult) {
    try {
      const refused = await this.refusal(row, 'draft');
      if (refused) throw new Error(refused);
      if (!row.publicationDate) {
        await this.strapi.db.query(ARTICLE).update({ where: { id: row.id }, data: { publicationDate: row.publishAt } });
      }
      await this.strapi.documents(ARTICLE).publish({ documentId: row.documentId });
      result.published.push(row.documentId);
      this.strapi.log.info(
        `Scheduled publishing: published ${row.documentId} (due ${new Date(row.publishAt!).toISOString()}).`
      );
    } catch (error) {
      this.failed(row, 'publish', error, result);
    }
  }

  private async unpublish(row: DueRow, result: SweepResult) {
    try {
      const live = await this.strapi.db
        .query(ARTICLE)
        .findOne({ select: ['id'], where: { documentId: row.documentId, publishedAt: { $notNull: true } } });
      if (live) {
        const refused = await this.refusal(row, 'published');
        if (refused) throw new Error(refused);
        await this.strapi.documents(ARTICLE).unpublish({ documentId: row.documentId });
        result.unpublished.push(row.documentId);
        this.strapi.log.info(`Scheduled publishing: unpublished ${row.documentId}.`);
      } else {
        await this.clear(row, 'unpublishAt'); // nothing is up: the schedule is done
      }
    } catch (error) {
      this.failed(row, 'unpublish', error, result);
    }
  }

  private clear(row: DueRow, field: 'publishAt' | 'unpublishAt') {
    return this.strapi.db.query(ARTICLE).update({ where: { id: row.id }, data: { [field]: null } });
  }

  /** The item stays scheduled (nothing is dropped) and is tried again at every sweep; logged once. */
  private failed(row: DueRow, action: 'publish' | 'unpublish', error: unknown, result: SweepResult) {
    const message = (error as Error).message;
    result.failed.push({ documentId: row.documentId, action, error: message });
    const key = `${row.documentId}:${action}:${time(action === 'publish' ? row.publishAt : row.unpublishAt)}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.strapi.log.error(`Scheduled publishing: could not ${action} ${row.documentId}: ${message}`);
  }
}

export function startScheduledPublishing(strapi: Core.Strapi) {
  const seconds = Number(process.env.SCHEDULE_SWEEP_SECONDS ?? 5);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(
      `SCHEDULE_SWEEP_SECONDS must be a positive number of seconds, not "${process.env.SCHEDULE_SWEEP_SECONDS}".`
    );
  }
  const runner = new ScheduledPublishing(strapi, seconds * 1000);
  runner.start();
  return runner;
}
