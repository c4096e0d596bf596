/**
 * What the site's modules keep for one render. A build started by the publisher renders several
 * jobs from one compile (site/render-jobs.mjs), each with its own content: it names each render
 * here (an object of its own, replaced when the render is done), and what a module keeps per
 * render is made again for the next and let go with it. A plain `astro build` renders once.
 */
const RENDER = Symbol.for('newsroom.site.render');
const ONLY: object = {};

/** The render under way. */
const current = (): object => ((globalThis as Record<symbol, unknown>)[RENDER] as object | undefined) ?? ONLY;

/** `make()`'s value, made once per render, and kept no longer than the render. */
export function perRender<T>(make: () => T): () => T {
  const made = new WeakMap<object, { value: T }>();
  return () => {
    const render = current();
    let entry = made.get(render);
    if (!entry) made.set(render, (entry = { value: make() }));
    return entry.value;
  };
}
