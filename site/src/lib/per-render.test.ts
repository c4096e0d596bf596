import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { perRender } from './per-render';

/** What site/render-jobs.mjs sets: the render under way, an object of its own. */
const RENDER = Symbol.for('newsroom.site.render');
const beginRender = (render: object | undefined) => ((globalThis as Record<symbol, unknown>)[RENDER] = render);

afterEach(() => beginRender(undefined));

describe('what the site keeps per render (a build renders job after job from one compile)', () => {
  it('is made once in a plain build, and once again for each render', () => {
    let made = 0;
    const content = perRender(() => ({ made: ++made }));
    expect(content()).toBe(content());
    expect(made).toBe(1);
    const first = {};
    beginRender(first);
    const inFirst = content();
    expect(inFirst).toEqual({ made: 2 });
    expect(content()).toBe(inFirst);
    beginRender({});
    expect(content()).toEqual({ made: 3 });
    expect(content()).not.toBe(inFirst);
    // Asked for again under the first render (never, in the driver), it is that render's.
    beginRender(first);
    expect(content()).toBe(inFirst);
  });

  it('is let go with its render', async () => {
    const content = perRender(() => ({ big: new Array(1000).fill('x') }));
    let render: object | undefined = {};
    beginRender(render);
    const gone = new WeakRef(content());
    beginRender({}); // the driver, once the render's pages are written
    render = undefined;
    // V8's collector, asked for from here (as --expose-gc would give it).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // (A WeakRef read keeps its object for the rest of that turn: collect at the start of the next.)
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setImmediate(r));
      gc();
      await new Promise((r) => setImmediate(r));
      if (!gone.deref()) break;
    }
    expect(gone.deref()).toBeUndefined();
  });
});
