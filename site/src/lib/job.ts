import { parseBuildMessage, type BuildJob, type BuildMessage } from '@newsroom/content/build-protocol';

/**
 * A build started ahead of time by the publisher (SITE_JOB_IPC): Astro compiles the site (most
 * of a small build's time) and then, when pages ask for content, tells the publisher it is waiting
 * and waits for the job — which snapshot to render and which pages — on the IPC channel. A
 * publish then costs only the rendering. The build exits if the publisher goes away, before or
 * during rendering.
 */
export function waitForJob(): Promise<BuildJob> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('SITE_JOB_IPC is set but this build has no IPC channel to the publisher.');
  return new Promise((resolve) => {
    const gone = () => {
      console.error('[content] the publisher is gone; no job for this build.');
      process.exit(1);
    };
    const onMessage = (message: unknown) => {
      let parsed: BuildMessage;
      try {
        parsed = parseBuildMessage(message);
      } catch (error) {
        console.error(`[content] ${(error as Error).message}`);
        return;
      }
      if (parsed.type !== 'job') return;
      process.off('message', onMessage);
      // Nothing more comes: the build may exit when its pages are written (and still exits at
      // once should the publisher go away while it renders).
      process.channel?.unref();
      resolve(parsed.job);
    };
    process.on('message', onMessage);
    process.once('disconnect', gone);
    send({ type: 'waiting' } satisfies BuildMessage);
  });
}
